# datagen.q

CREATE TABLE seq (id BIGINT, s STRING) WITH (
  'connector' = 'datagen',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '10', 'fields.id.end' = '13',
  'fields.s.kind' = 'sequence', 'fields.s.start' = '1', 'fields.s.end' = '4'
);
[INFO] Execute statement succeeded.
!info

SELECT * FROM seq;
+----+--------------+--------------+
| op |           id |            s |
+----+--------------+--------------+
| +I |           10 |            1 |
| +I |           11 |            2 |
| +I |           12 |            3 |
| +I |           13 |            4 |
+----+--------------+--------------+
Received a total of 4 rows
!ok

SELECT id FROM seq WHERE id > 11;
+----+--------------+
| op |           id |
+----+--------------+
| +I |           12 |
| +I |           13 |
+----+--------------+
Received a total of 2 rows
!ok
