# functions-more.q: date parts, IFNULL, SIGN, logarithms and trigonometry, more string functions

SELECT YEAR(d) AS y, QUARTER(d) AS q, MONTH(d) AS m, WEEK(d) AS w, DAYOFYEAR(d) AS doy, DAYOFWEEK(d) AS dow, DAYOFMONTH(d) AS dom FROM (VALUES (DATE '2024-02-29')) AS t (d);
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| op |            y |            q |            m |            w |          doy |          dow |          dom |
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| +I |         2024 |            1 |            2 |            9 |           60 |            5 |           29 |
Query finished.
!ok

SELECT YEAR(ts) AS y, MONTH(ts) AS m, HOUR(ts) AS h, TO_DATE('2024-03-01') AS d1, TO_DATE('01/03/2024', 'dd/MM/yyyy') AS d2, TO_DATE('nonsense') AS bad FROM (VALUES (TIMESTAMP '2023-12-31 23:59:59')) AS t (ts);
+----+--------------+--------------+--------------+--------------+--------------+--------------+
| op |            y |            m |            h |           d1 |           d2 |          bad |
+----+--------------+--------------+--------------+--------------+--------------+--------------+
| +I |         2023 |           12 |           23 |   2024-03-01 |   2024-03-01 |         null |
Query finished.
!ok

SELECT IFNULL(CAST(NULL AS INT), 7) AS a, IFNULL(3, 7) AS b, SIGN(-2.50) AS s1, SIGN(0) AS s2, SIGN(CAST(9 AS BIGINT)) AS s3 FROM (VALUES (0)) AS t (x);
+----+--------------+--------------+--------------+--------------+--------------+
| op |            a |            b |           s1 |           s2 |           s3 |
+----+--------------+--------------+--------------+--------------+--------------+
| +I |            7 |            3 |        -1.00 |            0 |            1 |
Query finished.
!ok

SELECT LOG(EXP(2)) AS ln2, LOG(2, 1024) AS l, LOG2(8) AS l2, ROUND(DEGREES(PI()), 6) AS deg, ROUND(SIN(RADIANS(30)), 6) AS s, ROUND(ATAN2(1, 1) * 4, 6) AS pi4, ROUND(E(), 6) AS e FROM (VALUES (0)) AS t (x);
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| op |          ln2 |            l |           l2 |          deg |            s |          pi4 |            e |
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| +I |          2.0 |         10.0 |          3.0 |        180.0 |          0.5 |     3.141593 |     2.718282 |
Query finished.
!ok

SELECT LTRIM('  ab  ') AS lt, RTRIM('  ab  ') AS rt, REVERSE('abc') AS rev, REPEAT('ab', 3) AS rep, ASCII('A') AS asc, CHR(97) AS c, LOCATE('b', 'abcb') AS l1, LOCATE('b', 'abcb', 3) AS l2 FROM (VALUES (0)) AS t (x);
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| op |           lt |           rt |          rev |          rep |          asc |            c |           l1 |           l2 |
+----+--------------+--------------+--------------+--------------+--------------+--------------+--------------+--------------+
| +I |         ab   |           ab |          cba |       ababab |           65 |            a |            2 |            4 |
Query finished.
!ok

SELECT TO_BASE64('weir') AS b, FROM_BASE64('d2Vpcg==') AS s, FROM_BASE64('!!') AS bad, CHAR_LENGTH(UUID()) AS uuid_len FROM (VALUES (0)) AS t (x);
+----+--------------+--------------+--------------+--------------+
| op |            b |            s |          bad |     uuid_len |
+----+--------------+--------------+--------------+--------------+
| +I |     d2Vpcg== |         weir |         null |           36 |
Query finished.
!ok
