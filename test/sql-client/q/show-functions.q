# show-functions.q - SHOW [USER] FUNCTIONS

SHOW FUNCTIONS;
+-------------------+
|     function name |
+-------------------+
|               abs |
|               avg |
|              ceil |
|           ceiling |
|       char_length |
|  character_length |
|          coalesce |
|            concat |
|         concat_ws |
|             count |
|      current_date |
| current_timestamp |
|       date_format |
|        dayofmonth |
|               exp |
|       first_value |
|             floor |
|     from_unixtime |
|          greatest |
|              hour |
|                if |
|           initcap |
|        json_value |
|        last_value |
|             least |
|              left |
|           listagg |
|                ln |
|    localtimestamp |
|             log10 |
|             lower |
|              lpad |
|               max |
|               md5 |
|               min |
|            minute |
|               mod |
|               now |
|            nullif |
|               pow |
|             power |
|          proctime |
|              rand |
|            regexp |
|    regexp_extract |
|    regexp_replace |
|           replace |
|             right |
|             round |
|              rpad |
|            second |
|       split_index |
|              sqrt |
|            substr |
|         substring |
|               sum |
|      to_timestamp |
|              trim |
|          truncate |
|    unix_timestamp |
|             upper |
+-------------------+
61 rows in set
!ok

SHOW USER FUNCTIONS;
+---------------+
| function name |
+---------------+
Empty set
!ok

show functions;
+-------------------+
|     function name |
+-------------------+
|               abs |
|               avg |
|              ceil |
|           ceiling |
|       char_length |
|  character_length |
|          coalesce |
|            concat |
|         concat_ws |
|             count |
|      current_date |
| current_timestamp |
|       date_format |
|        dayofmonth |
|               exp |
|       first_value |
|             floor |
|     from_unixtime |
|          greatest |
|              hour |
|                if |
|           initcap |
|        json_value |
|        last_value |
|             least |
|              left |
|           listagg |
|                ln |
|    localtimestamp |
|             log10 |
|             lower |
|              lpad |
|               max |
|               md5 |
|               min |
|            minute |
|               mod |
|               now |
|            nullif |
|               pow |
|             power |
|          proctime |
|              rand |
|            regexp |
|    regexp_extract |
|    regexp_replace |
|           replace |
|             right |
|             round |
|              rpad |
|            second |
|       split_index |
|              sqrt |
|            substr |
|         substring |
|               sum |
|      to_timestamp |
|              trim |
|          truncate |
|    unix_timestamp |
|             upper |
+-------------------+
61 rows in set
!ok
