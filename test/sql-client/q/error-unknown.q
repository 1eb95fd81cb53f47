# error-unknown.q

CREATE TABLE orders (order_id INT, amount INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2', 'fields.order_id.kind' = 'sequence', 'fields.order_id.start' = '1', 'fields.order_id.end' = '2');
[INFO] Execute statement succeeded.
!info

SELECT * FROM order;
[ERROR] error[SQL_PARSE] at 1:15: Unexpected 'order', expected an identifier, UNNEST, TABLE or '('
  1 | SELECT * FROM order;
    |               ^^^^^
hint: ORDER is a reserved keyword; write `order` to use it as a name
!error

SELECT * FROM ordres;
[ERROR] error[SQL_VALIDATION] at 1:15: Object 'ordres' not found within 'default_catalog.default_database'
  1 | SELECT * FROM ordres;
    |               ^^^^^^
hint: did you mean 'orders'?
!error

SELECT amout FROM orders;
[ERROR] error[SQL_VALIDATION] at 1:8: Column 'amout' not found in any table
  1 | SELECT amout FROM orders;
    |        ^^^^^
hint: did you mean 'amount'?
!error

SELECT o.nope FROM orders AS o;
[ERROR] error[SQL_VALIDATION] at 1:10: Column 'nope' not found in table 'o'
  1 | SELECT o.nope FROM orders AS o;
    |          ^^^^
hint: available columns: order_id, amount
!error

SELECT UNKNOWN_FUNC(amount) FROM orders;
[ERROR] error[SQL_VALIDATION] at 1:8: No match found for function signature UNKNOWN_FUNC(<INT>)
  1 | SELECT UNKNOWN_FUNC(amount) FROM orders;
    |        ^^^^^^^^^^^^
hint: weir has no function of that name
!error

SELECT order_id FROM orders;
+----+--------------+
| op |     order_id |
+----+--------------+
| +I |            1 |
| +I |            2 |
+----+--------------+
Received a total of 2 rows
!ok
