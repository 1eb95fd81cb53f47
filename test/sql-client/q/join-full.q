# join-full.q

CREATE VIEW l AS SELECT * FROM (VALUES (1, 'l1'), (2, 'l2')) AS t (k, lv);
[INFO] Execute statement succeeded.
!info

CREATE VIEW r AS SELECT * FROM (VALUES (2, 'r2'), (3, 'r3')) AS t (k, rv);
[INFO] Execute statement succeeded.
!info

SELECT l.k AS lk, l.lv, r.k AS rk, r.rv FROM l FULL OUTER JOIN r ON l.k = r.k;
+----+--------------+--------------+--------------+--------------+
| op |           lk |           lv |           rk |           rv |
+----+--------------+--------------+--------------+--------------+
| +I |            1 |           l1 |         null |         null |
| +I |            2 |           l2 |         null |         null |
| -D |            2 |           l2 |         null |         null |
| +I |            2 |           l2 |            2 |           r2 |
| +I |         null |         null |            3 |           r3 |
+----+--------------+--------------+--------------+--------------+
Received a total of 5 rows
!ok
