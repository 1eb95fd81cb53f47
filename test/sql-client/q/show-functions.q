# show-functions.q - SHOW [USER] FUNCTIONS

SHOW FUNCTIONS;
+-------------------+
|     function name |
+-------------------+
|               abs |
|              acos |
|             ascii |
|              asin |
|              atan |
|             atan2 |
|               avg |
|              ceil |
|           ceiling |
|       char_length |
|  character_length |
|               chr |
|          coalesce |
|            concat |
|         concat_ws |
|               cos |
|              cosh |
|               cot |
|             count |
|      current_date |
| current_timestamp |
|       date_format |
|        dayofmonth |
|         dayofweek |
|         dayofyear |
|           degrees |
|                 e |
|               exp |
|       first_value |
|             floor |
|       from_base64 |
|     from_unixtime |
|          greatest |
|              hour |
|                if |
|            ifnull |
|           initcap |
|        json_value |
|        last_value |
|             least |
|              left |
|           listagg |
|                ln |
|    localtimestamp |
|            locate |
|               log |
|             log10 |
|              log2 |
|             lower |
|              lpad |
|             ltrim |
|               max |
|               md5 |
|               min |
|            minute |
|               mod |
|             month |
|               now |
|            nullif |
|                pi |
|               pow |
|             power |
|          proctime |
|           quarter |
|           radians |
|              rand |
|            regexp |
|    regexp_extract |
|    regexp_replace |
|            repeat |
|           replace |
|           reverse |
|             right |
|             round |
|              rpad |
|             rtrim |
|            second |
|              sign |
|               sin |
|              sinh |
|       split_index |
|              sqrt |
|            substr |
|         substring |
|               sum |
|               tan |
|              tanh |
|         to_base64 |
|           to_date |
|      to_timestamp |
|              trim |
|          truncate |
|    unix_timestamp |
|             upper |
|              uuid |
|              week |
|              year |
+-------------------+
97 rows in set
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
|              acos |
|             ascii |
|              asin |
|              atan |
|             atan2 |
|               avg |
|              ceil |
|           ceiling |
|       char_length |
|  character_length |
|               chr |
|          coalesce |
|            concat |
|         concat_ws |
|               cos |
|              cosh |
|               cot |
|             count |
|      current_date |
| current_timestamp |
|       date_format |
|        dayofmonth |
|         dayofweek |
|         dayofyear |
|           degrees |
|                 e |
|               exp |
|       first_value |
|             floor |
|       from_base64 |
|     from_unixtime |
|          greatest |
|              hour |
|                if |
|            ifnull |
|           initcap |
|        json_value |
|        last_value |
|             least |
|              left |
|           listagg |
|                ln |
|    localtimestamp |
|            locate |
|               log |
|             log10 |
|              log2 |
|             lower |
|              lpad |
|             ltrim |
|               max |
|               md5 |
|               min |
|            minute |
|               mod |
|             month |
|               now |
|            nullif |
|                pi |
|               pow |
|             power |
|          proctime |
|           quarter |
|           radians |
|              rand |
|            regexp |
|    regexp_extract |
|    regexp_replace |
|            repeat |
|           replace |
|           reverse |
|             right |
|             round |
|              rpad |
|             rtrim |
|            second |
|              sign |
|               sin |
|              sinh |
|       split_index |
|              sqrt |
|            substr |
|         substring |
|               sum |
|               tan |
|              tanh |
|         to_base64 |
|           to_date |
|      to_timestamp |
|              trim |
|          truncate |
|    unix_timestamp |
|             upper |
|              uuid |
|              week |
|              year |
+-------------------+
97 rows in set
!ok
