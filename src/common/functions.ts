/**
 * The built-in scalar operators and functions, by the name a `Call` expression carries (`fn`).
 * The planner infers result types for them; the runtime's calc compiler implements them. Both
 * sides key their tables by these names, so a name added here must be handled on both sides.
 *
 * Argument conventions that are not obvious from SQL:
 * - 'CAST' and 'TRY_CAST' take one argument; the target type is the call's own `type`.
 * - 'CASE' takes (when1, then1, when2, then2, …, else?) — an odd count means an ELSE is present;
 *   the simple form `CASE x WHEN v …` is rewritten by the planner into the searched form.
 * - 'LIKE' / 'SIMILAR TO' take (value, pattern[, escape]); NOT LIKE is NOT(LIKE(…)).
 * - 'IN' takes (value, item1, item2, …); 'BETWEEN' takes (value, low, high) (symmetric is not supported).
 * - 'NEG' is unary minus; '+' and '-' also cover timestamp ± interval.
 * - 'SUBSTRING' takes (string, start[, length]), 1-based as in SQL.
 * - 'TRIM' takes (mode, chars, string) with mode a literal 'BOTH' | 'LEADING' | 'TRAILING'.
 * - 'EXTRACT' takes (unit literal such as 'YEAR', value).
 * - 'GET_FIELD' takes (row, field index as an INT literal): field access `r.f` on a ROW value
 *   (an array of its fields); NULL when the row is NULL. The call's type is the field's type, nullable
 *   when the row is. Nested access `r.f.g` is GET_FIELD(GET_FIELD(r, i), j).
 */
export const BUILTIN_FUNCTIONS = [
  // arithmetic
  '+',
  '-',
  '*',
  '/',
  '%',
  'NEG',
  'MOD',
  // internal: the bucket of a split distinct aggregation (planner/physical/split-distinct.ts)
  'HASH_CODE',
  'ABS',
  'FLOOR',
  'CEIL',
  'ROUND',
  'TRUNCATE',
  'POWER',
  'SQRT',
  'EXP',
  'LN',
  'LOG10',
  'LOG2',
  'LOG',
  'SIGN',
  'SIN',
  'COS',
  'TAN',
  'COT',
  'ASIN',
  'ACOS',
  'ATAN',
  'ATAN2',
  'SINH',
  'COSH',
  'TANH',
  'DEGREES',
  'RADIANS',
  'PI',
  'E',
  'RAND',
  // comparison and logic (three-valued)
  '=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  'AND',
  'OR',
  'NOT',
  'IS NULL',
  'IS NOT NULL',
  'IS TRUE',
  'IS NOT TRUE',
  'IS FALSE',
  'IS NOT FALSE',
  'IS DISTINCT FROM',
  'IS NOT DISTINCT FROM',
  'IN',
  'BETWEEN',
  'LIKE',
  'SIMILAR TO',
  // conditional
  'CASE',
  'COALESCE',
  'NULLIF',
  'IF',
  'GREATEST',
  'LEAST',
  // conversion
  'CAST',
  'TRY_CAST',
  // structured types
  'GET_FIELD',
  // string
  '||',
  'CONCAT',
  'CONCAT_WS',
  'UPPER',
  'LOWER',
  'CHAR_LENGTH',
  'SUBSTRING',
  'TRIM',
  'REPLACE',
  'POSITION',
  'LEFT',
  'RIGHT',
  'LPAD',
  'RPAD',
  'REGEXP',
  'REGEXP_EXTRACT',
  'REGEXP_REPLACE',
  'SPLIT_INDEX',
  'INITCAP',
  'MD5',
  'JSON_VALUE',
  'REVERSE',
  'REPEAT',
  'ASCII',
  'CHR',
  'LOCATE',
  'TO_BASE64',
  'FROM_BASE64',
  'UUID',
  // temporal
  'EXTRACT',
  'DATE_FORMAT',
  'TO_TIMESTAMP',
  'FROM_UNIXTIME',
  'UNIX_TIMESTAMP',
  'CURRENT_TIMESTAMP',
  'LOCALTIMESTAMP',
  'NOW',
  'PROCTIME',
  'CURRENT_DATE',
  'TIMESTAMPADD',
  'TIMESTAMPDIFF',
  'HOUR',
  'MINUTE',
  'SECOND',
  'DAYOFMONTH',
  'YEAR',
  'QUARTER',
  'MONTH',
  'WEEK',
  'DAYOFYEAR',
  'DAYOFWEEK',
  'TO_DATE',
] as const;

export type BuiltinFunction = (typeof BUILTIN_FUNCTIONS)[number];
