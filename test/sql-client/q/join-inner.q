# join-inner.q

CREATE VIEW orders AS SELECT * FROM (VALUES (1, 100), (2, 200), (3, 100)) AS t (order_id, customer_id);
[INFO] Execute statement succeeded.
!info

CREATE VIEW customers AS SELECT * FROM (VALUES (100, 'alice'), (200, 'bob'), (300, 'carol')) AS t (id, name);
[INFO] Execute statement succeeded.
!info

SELECT o.order_id, c.name FROM orders AS o JOIN customers AS c ON o.customer_id = c.id;
+----+--------------+--------------+
| op |     order_id |         name |
+----+--------------+--------------+
| +I |            1 |        alice |
| +I |            3 |        alice |
| +I |            2 |          bob |
+----+--------------+--------------+
Received a total of 3 rows
!ok

SELECT o.order_id, c.name FROM orders o, customers c WHERE o.customer_id = c.id AND c.name <> 'bob';
+----+--------------+--------------+
| op |     order_id |         name |
+----+--------------+--------------+
| +I |            1 |        alice |
| +I |            3 |        alice |
+----+--------------+--------------+
Received a total of 2 rows
!ok
