# join-left.q

CREATE VIEW orders AS SELECT * FROM (VALUES (1, 100), (2, 400)) AS t (order_id, customer_id);
[INFO] Execute statement succeeded.
!info

CREATE VIEW customers AS SELECT * FROM (VALUES (100, 'alice'), (200, 'bob')) AS t (id, name);
[INFO] Execute statement succeeded.
!info

SELECT o.order_id, c.name FROM orders AS o LEFT JOIN customers AS c ON o.customer_id = c.id;
+----+--------------+--------------+
| op |     order_id |         name |
+----+--------------+--------------+
| +I |            1 |         null |
| +I |            2 |         null |
| -D |            1 |         null |
| +I |            1 |        alice |
+----+--------------+--------------+
Received a total of 4 rows
!ok

SELECT c.name, o.order_id FROM orders AS o RIGHT JOIN customers AS c ON o.customer_id = c.id;
+----+--------------+--------------+
| op |         name |     order_id |
+----+--------------+--------------+
| +I |        alice |            1 |
| +I |          bob |         null |
+----+--------------+--------------+
Received a total of 2 rows
!ok
