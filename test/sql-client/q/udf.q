# udf.q - CREATE FUNCTION with JavaScript modules, Flink's resolution order, DROP FUNCTION

CREATE FUNCTION shout AS 'test/sql-client/udfs/functions.mjs#shout' LANGUAGE JAVASCRIPT;
[INFO] Execute statement succeeded.
!info

CREATE TEMPORARY FUNCTION add_tax AS 'test/sql-client/udfs/functions.mjs#addTax';
[INFO] Execute statement succeeded.
!info

CREATE FUNCTION day_of_month AS 'test/sql-client/udfs/functions.mjs#dayOfMonth';
[INFO] Execute statement succeeded.
!info

CREATE FUNCTION len AS 'test/sql-client/udfs/functions.mjs';
[INFO] Execute statement succeeded.
!info

SHOW USER FUNCTIONS;
+---------------+
| function name |
+---------------+
|       add_tax |
|  day_of_month |
|           len |
|         shout |
+---------------+
4 rows in set
!ok

SET 'sql-client.execution.result-mode' = 'tableau';
[INFO] Execute statement succeeded.
!info

SELECT shout(name) AS loud, add_tax(price) AS gross, day_of_month(ts) AS d, LEN(name) AS n
FROM (VALUES ('ada', CAST(10.00 AS DECIMAL(10, 2)), TIMESTAMP '2024-03-07 10:00:00'),
             (CAST(NULL AS STRING), CAST(0.05 AS DECIMAL(10, 2)), TIMESTAMP '2024-03-31 23:59:59'))
  AS t(name, price, ts);
+----+--------------+--------------+--------------+--------------+
| op |         loud |        gross |            d |            n |
+----+--------------+--------------+--------------+--------------+
| +I |         ADA! |        12.00 |            7 |            3 |
| +I |         null |         0.06 |           31 |         null |
+----+--------------+--------------+--------------+--------------+
Received a total of 2 rows
!ok

SELECT add_tax('ten');
[ERROR] error[SQL_VALIDATION] at 1:8: Invalid function call:
add_tax(CHAR(3))
  1 | SELECT add_tax('ten');
    |        ^^^^^^^^^^^^^^
hint: add_tax takes (DECIMAL(10, 2))
!error

SELECT shout(name) FROM (VALUES ('x')) AS t(nam);
[ERROR] error[SQL_VALIDATION] at 1:14: Column 'name' not found in any table
  1 | SELECT shout(name) FROM (VALUES ('x')) AS t(nam);
    |              ^^^^
hint: did you mean 'nam'?
!error

CREATE FUNCTION shout AS 'test/sql-client/udfs/functions.mjs#shout';
[ERROR] error[SQL_VALIDATION] at 1:1: Function default_database.shout already exists in Catalog default_catalog.
  1 | CREATE FUNCTION shout AS 'test/sql-client/udfs/functions.mjs#shout';
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
hint: use CREATE FUNCTION IF NOT EXISTS to keep the existing one, or DROP FUNCTION first
!error

CREATE FUNCTION IF NOT EXISTS shout AS 'test/sql-client/udfs/functions.mjs#shout';
[INFO] Execute statement succeeded.
!info

CREATE FUNCTION missing AS 'test/sql-client/udfs/no-such-file.mjs';
[ERROR] error[SQL_VALIDATION] at 1:1: Function 'missing' cannot be used: no module at test/sql-client/udfs/no-such-file.mjs
  1 | CREATE FUNCTION missing AS 'test/sql-client/udfs/no-such-file.mjs';
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
!error

CREATE FUNCTION nothing AS 'test/sql-client/udfs/functions.mjs#nothing';
[ERROR] error[SQL_VALIDATION] at 1:1: Function 'nothing' cannot be used: test/sql-client/udfs/functions.mjs has no export 'nothing' (it exports addTax, dayOfMonth, default, failing, shout, untyped)
  1 | CREATE FUNCTION nothing AS 'test/sql-client/udfs/functions.mjs#nothing';
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
!error

CREATE FUNCTION untyped AS 'test/sql-client/udfs/functions.mjs#untyped';
[ERROR] error[SQL_VALIDATION] at 1:1: Function 'untyped' cannot be used: it declares no resultType
  1 | CREATE FUNCTION untyped AS 'test/sql-client/udfs/functions.mjs#untyped';
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
hint: add resultType: 'BIGINT' (a Flink SQL type) to the export
!error

CREATE FUNCTION my_udf AS 'com.acme.MyUdf';
[ERROR] error[SQL_UNSUPPORTED] at 1:1: Function class 'com.acme.MyUdf' is a JVM class, which weir cannot load
  1 | CREATE FUNCTION my_udf AS 'com.acme.MyUdf';
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
hint: write the function in JavaScript and create it with CREATE FUNCTION my_udf AS './my_udf.js' LANGUAGE JAVASCRIPT (see docs/sql.md, "User-defined functions")
!error

CREATE FUNCTION py AS 'my_module.my_udf' LANGUAGE PYTHON;
[ERROR] error[SQL_UNSUPPORTED] at 1:1: Functions in PYTHON are not supported
  1 | CREATE FUNCTION py AS 'my_module.my_udf' LANGUAGE PYTHON;
    | ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
hint: weir runs functions written in JavaScript: LANGUAGE JAVASCRIPT
!error

CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';
[INFO] Execute statement succeeded.
!info

SELECT count_char('banana', 'a') AS a, count_char(CAST(NULL AS STRING), 'a') AS n;
+----+--------------+--------------+
| op |            a |            n |
+----+--------------+--------------+
| +I |            3 |            0 |
+----+--------------+--------------+
Received a total of 1 row
!ok

CREATE TEMPORARY SYSTEM FUNCTION upper AS 'test/sql-client/udfs/functions.mjs#shout';
[INFO] Execute statement succeeded.
!info

SELECT UPPER('quiet') AS shadowed;
+----+--------------+
| op |     shadowed |
+----+--------------+
| +I |       QUIET! |
+----+--------------+
Received a total of 1 row
!ok

DROP TEMPORARY SYSTEM FUNCTION upper;
[INFO] Execute statement succeeded.
!info

SELECT UPPER('quiet') AS builtin;
+----+--------------+
| op |      builtin |
+----+--------------+
| +I |        QUIET |
+----+--------------+
Received a total of 1 row
!ok

CREATE FUNCTION failing AS 'test/sql-client/udfs/functions.mjs#failing';
[INFO] Execute statement succeeded.
!info

SELECT failing(7);
+----+--------------+
| op |       EXPR$0 |
+----+--------------+
[ERROR] error[CALC_UDF_FAILED]: Function 'failing' failed: cannot handle 7
!error

DROP FUNCTION shout;
[INFO] Execute statement succeeded.
!info

DROP FUNCTION shout;
[ERROR] error[SQL_VALIDATION] at 1:15: Function default_catalog.default_database.shout doesn't exist
  1 | DROP FUNCTION shout;
    |               ^^^^^
hint: SHOW USER FUNCTIONS lists the functions created
!error

DROP FUNCTION IF EXISTS shout;
[INFO] Execute statement succeeded.
!info

DROP TEMPORARY FUNCTION add_tax;
[INFO] Execute statement succeeded.
!info

SHOW USER FUNCTIONS;
+---------------+
| function name |
+---------------+
|    count_char |
|  day_of_month |
|       failing |
|           len |
+---------------+
4 rows in set
!ok
