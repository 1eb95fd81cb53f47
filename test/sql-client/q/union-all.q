# union-all.q

SELECT * FROM (VALUES (1, 'a')) AS t (id, s)
UNION ALL
SELECT * FROM (VALUES (2, 'b'), (3, 'c')) AS u (id, s);
+----+--------------+--------------+
| op |           id |            s |
+----+--------------+--------------+
| +I |            1 |            a |
| +I |            2 |            b |
| +I |            3 |            c |
+----+--------------+--------------+
Received a total of 3 rows
!ok

SELECT id FROM (VALUES (1)) AS t (id) UNION ALL SELECT id FROM (VALUES (2)) AS u (id) UNION ALL SELECT id FROM (VALUES (1)) AS w (id);
+----+--------------+
| op |           id |
+----+--------------+
| +I |            1 |
| +I |            1 |
| +I |            2 |
+----+--------------+
Received a total of 3 rows
!ok

SELECT id FROM (VALUES (1)) AS t (id) UNION ALL SELECT s FROM (VALUES ('x')) AS u (s);
[ERROR] error[SQL_VALIDATION] at 1:1: Type mismatch in column 1 of UNION ALL: INT NOT NULL and CHAR(1) NOT NULL
  1 | SELECT id FROM (VALUES (1)) AS t (id) UNION ALL SELECT s FROM (VALUES ('x')) AS u (s);
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
!error
