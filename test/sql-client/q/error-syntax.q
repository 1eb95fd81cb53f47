# error-syntax.q

SELEC 1;
[ERROR] error[SQL_PARSE] at 1:1: Unexpected 'SELEC', expected a statement such as SELECT, INSERT INTO, CREATE TABLE or SET
  1 | SELEC 1;
    | ^^^^^
hint: did you mean SELECT?
!error

SELECT a FROM;
[ERROR] error[SQL_PARSE] at 1:14: Unexpected end of statement, expected an identifier, UNNEST, TABLE or '('
  1 | SELECT a FROM;
    |              ^
!error

CREATE TABLE t (
  a INT,
  b STRNG
) WITH ('connector' = 'datagen');
[ERROR] error[SQL_PARSE] at 3:5: Unexpected 'STRNG', expected AS or a data type
  3 |   b STRNG
    |     ^^^^^
hint: did you mean STRING?
!error

SELECT 1 +;
[ERROR] error[SQL_PARSE] at 1:11: Unexpected end of statement, expected an expression
  1 | SELECT 1 +;
    |           ^
!error

# the session goes on
SELECT one FROM (VALUES (1)) AS t (one);
+----+--------------+
| op |          one |
+----+--------------+
| +I |            1 |
+----+--------------+
Received a total of 1 row
!ok
