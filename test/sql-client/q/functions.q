# functions.q

SELECT UPPER('abc') AS u, LOWER('ABC') AS l, CHAR_LENGTH('hello') AS len, SUBSTRING('hello' FROM 2 FOR 3) AS sub FROM (VALUES (0)) AS d (x);
+----+--------------+--------------+--------------+--------------+
| op |            u |            l |          len |          sub |
+----+--------------+--------------+--------------+--------------+
| +I |          ABC |          abc |            5 |          ell |
+----+--------------+--------------+--------------+--------------+
Received a total of 1 row
!ok

SELECT ABS(-3) AS a, MOD(7, 3) AS m, CEIL(1.2) AS c, FLOOR(1.8) AS f, ROUND(2.567, 2) AS r FROM (VALUES (0)) AS d (x);
+----+--------------+--------------+--------------+--------------+--------------+
| op |            a |            m |            c |            f |            r |
+----+--------------+--------------+--------------+--------------+--------------+
| +I |            3 |            1 |            2 |            1 |         2.57 |
+----+--------------+--------------+--------------+--------------+--------------+
Received a total of 1 row
!ok

SELECT CAST('42' AS INT) AS i, CAST(1.5 AS DOUBLE) AS d, CAST(7 AS STRING) AS s FROM (VALUES (0)) AS d (x);
+----+--------------+--------------+--------------+
| op |            i |            d |            s |
+----+--------------+--------------+--------------+
| +I |           42 |          1.5 |            7 |
+----+--------------+--------------+--------------+
Received a total of 1 row
!ok

SELECT COALESCE(CAST(NULL AS INT), 5) AS c, NULLIF(1, 1) AS n, CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END AS w FROM (VALUES (0)) AS d (x);
+----+--------------+--------------+--------------+
| op |            c |            n |            w |
+----+--------------+--------------+--------------+
| +I |            5 |         null |          two |
+----+--------------+--------------+--------------+
Received a total of 1 row
!ok

SELECT TIMESTAMP '2024-01-01 10:00:00' + INTERVAL '1' HOUR AS later, DATE '2024-02-28' + INTERVAL '1' DAY AS next_day FROM (VALUES (0)) AS d (x);
+----+---------------------+--------------+
| op |               later |     next_day |
+----+---------------------+--------------+
| +I | 2024-01-01 11:00:00 |   2024-02-29 |
+----+---------------------+--------------+
Received a total of 1 row
!ok
