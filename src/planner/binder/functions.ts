import { didYouMean, editDistance, WeirError } from '../../common/errors.js';
import { call, type Expr, literal } from '../../common/expr.js';
import type { BuiltinFunction } from '../../common/functions.js';
import { type LogicalType, MAX_LENGTH, Types, withNullability } from '../../common/types.js';
import type { CatalogFunction, FunctionCatalog } from '../catalog/functions.js';
import type * as A from '../parser/ast.js';
import { convert } from './coerce.js';
import { typeText, unsupported, validationError } from './errors.js';
import {
  asDecimal,
  commonType,
  isBoolean,
  isCharacter,
  isDecimal,
  isExactInteger,
  isExactNumeric,
  isNull,
  isNumeric,
  isTemporal,
  isTimestamp,
  MAX_DECIMAL_PRECISION,
  numericResultType,
  sameTypeIgnoringNullability,
  supportsImplicitCast,
} from './types.js';

/**
 * Signatures of the built-in scalar functions called by name: argument checks and result types,
 * following Flink's type inference. Each entry names the `BuiltinFunction` the runtime implements.
 */

type Family = 'string' | 'numeric' | 'exact' | 'integer' | 'boolean' | 'temporal' | 'timestamp' | 'any';

const FAMILY_TEXT: Record<Family, string> = {
  string: 'STRING',
  numeric: 'NUMERIC',
  exact: 'EXACT_NUMERIC',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  temporal: 'DATETIME',
  timestamp: 'TIMESTAMP',
  any: 'ANY',
};

function inFamily(t: LogicalType, f: Family): boolean {
  if (isNull(t)) return true;
  switch (f) {
    case 'string':
      return isCharacter(t);
    case 'numeric':
      return isNumeric(t);
    case 'exact':
      return isExactNumeric(t);
    case 'integer':
      return isExactInteger(t);
    case 'boolean':
      return isBoolean(t);
    case 'temporal':
      return isTemporal(t);
    case 'timestamp':
      return isTimestamp(t);
    case 'any':
      return true;
    default: {
      const never: never = f;
      return never;
    }
  }
}

interface Signature {
  readonly fn: BuiltinFunction;
  /** Argument families; the last one repeats when `variadic`. */
  readonly args: readonly Family[];
  readonly optional?: number;
  readonly variadic?: boolean;
  readonly result: (args: readonly Expr[]) => LogicalType;
  /** Converts arguments (e.g. to a common type); defaults to typing NULLs by family. */
  readonly convertArgs?: (args: readonly Expr[], result: LogicalType) => Expr[];
}

const anyNullable = (args: readonly Expr[]) => args.some((a) => a.type.nullable);
const stringResult = (args: readonly Expr[]) => Types.STRING(anyNullable(args));

function sameAsFirst(args: readonly Expr[]): LogicalType {
  return isNull(args[0].type) ? Types.STRING() : args[0].type;
}

function common(args: readonly Expr[], nullable: boolean): LogicalType {
  let t: LogicalType | undefined = args[0].type;
  for (const a of args.slice(1)) t = t && commonType(t, a.type);
  if (!t) throw new TypeError('no common type');
  return withNullability(isNull(t) ? Types.NULL() : t, nullable);
}

/** Flink's findRoundDecimalType: ROUND(DECIMAL(p, s), r). */
function roundedDecimal(t: LogicalType, digits: number): LogicalType {
  if (digits >= t.scale!) return t;
  const scale = Math.max(digits, 0);
  return Types.DECIMAL(
    Math.min(MAX_DECIMAL_PRECISION, t.precision! - t.scale! + scale + 1),
    scale,
    t.nullable,
  );
}

const SIGNATURES: Record<string, Signature> = {
  UPPER: { fn: 'UPPER', args: ['string'], result: sameAsFirst },
  LOWER: { fn: 'LOWER', args: ['string'], result: sameAsFirst },
  INITCAP: { fn: 'INITCAP', args: ['string'], result: sameAsFirst },
  CHAR_LENGTH: { fn: 'CHAR_LENGTH', args: ['string'], result: (a) => Types.INT(a[0].type.nullable) },
  CHARACTER_LENGTH: { fn: 'CHAR_LENGTH', args: ['string'], result: (a) => Types.INT(a[0].type.nullable) },
  SUBSTRING: {
    fn: 'SUBSTRING',
    args: ['string', 'integer', 'integer'],
    optional: 1,
    result: (a) => Types.VARCHAR(Math.max(a[0].type.length ?? MAX_LENGTH, 1), anyNullable(a)),
  },
  SUBSTR: {
    fn: 'SUBSTRING',
    args: ['string', 'integer', 'integer'],
    optional: 1,
    result: (a) => Types.VARCHAR(Math.max(a[0].type.length ?? MAX_LENGTH, 1), anyNullable(a)),
  },
  CONCAT: {
    fn: 'CONCAT',
    args: ['string'],
    variadic: true,
    result: (a) =>
      Types.VARCHAR(
        Math.max(
          1,
          Math.min(
            MAX_LENGTH,
            a.reduce((n, x) => n + (x.type.length ?? 0), 0),
          ),
        ),
        anyNullable(a),
      ),
  },
  CONCAT_WS: {
    fn: 'CONCAT_WS',
    args: ['string', 'string'],
    variadic: true,
    result: (a) => Types.STRING(a[0].type.nullable),
  },
  REPLACE: { fn: 'REPLACE', args: ['string', 'string', 'string'], result: stringResult },
  LEFT: { fn: 'LEFT', args: ['string', 'integer'], result: stringResult },
  RIGHT: { fn: 'RIGHT', args: ['string', 'integer'], result: stringResult },
  LPAD: { fn: 'LPAD', args: ['string', 'integer', 'string'], result: () => Types.STRING() },
  RPAD: { fn: 'RPAD', args: ['string', 'integer', 'string'], result: () => Types.STRING() },
  TRIM: { fn: 'TRIM', args: ['string'], result: sameAsFirst },
  REGEXP: { fn: 'REGEXP', args: ['string', 'string'], result: (a) => Types.BOOLEAN(anyNullable(a)) },
  REGEXP_EXTRACT: {
    fn: 'REGEXP_EXTRACT',
    args: ['string', 'string', 'integer'],
    optional: 1,
    result: () => Types.STRING(),
  },
  REGEXP_REPLACE: { fn: 'REGEXP_REPLACE', args: ['string', 'string', 'string'], result: stringResult },
  SPLIT_INDEX: { fn: 'SPLIT_INDEX', args: ['string', 'string', 'integer'], result: () => Types.STRING() },
  MD5: { fn: 'MD5', args: ['string'], result: (a) => Types.CHAR(32, a[0].type.nullable) },
  LTRIM: { fn: 'TRIM', args: ['string'], result: sameAsFirst },
  RTRIM: { fn: 'TRIM', args: ['string'], result: sameAsFirst },
  REVERSE: { fn: 'REVERSE', args: ['string'], result: sameAsFirst },
  REPEAT: { fn: 'REPEAT', args: ['string', 'integer'], result: stringResult },
  ASCII: { fn: 'ASCII', args: ['string'], result: (a) => Types.INT(a[0].type.nullable) },
  CHR: { fn: 'CHR', args: ['integer'], result: (a) => Types.CHAR(1, a[0].type.nullable) },
  LOCATE: {
    fn: 'LOCATE',
    args: ['string', 'string', 'integer'],
    optional: 1,
    result: (a) => Types.INT(anyNullable(a)),
  },
  TO_BASE64: { fn: 'TO_BASE64', args: ['string'], result: stringResult },
  FROM_BASE64: { fn: 'FROM_BASE64', args: ['string'], result: () => Types.STRING() },
  UUID: { fn: 'UUID', args: [], result: () => Types.CHAR(36, false) },
  JSON_VALUE: { fn: 'JSON_VALUE', args: ['string', 'string'], result: () => Types.STRING() },
  ABS: { fn: 'ABS', args: ['numeric'], result: (a) => (isNull(a[0].type) ? Types.INT() : a[0].type) },
  MOD: {
    fn: 'MOD',
    args: ['exact', 'exact'],
    result: (a) => numericResultType('%', nonNull(a[0].type, a[1].type), nonNull(a[1].type, a[0].type))!,
    convertArgs: (a, result) => (isDecimal(result) ? a.map((x) => convert(x, asDecimal(x.type))) : [...a]),
  },
  FLOOR: { fn: 'FLOOR', args: ['numeric'], result: (a) => integral(a[0].type) },
  CEIL: { fn: 'CEIL', args: ['numeric'], result: (a) => integral(a[0].type) },
  CEILING: { fn: 'CEIL', args: ['numeric'], result: (a) => integral(a[0].type) },
  ROUND: {
    fn: 'ROUND',
    args: ['numeric', 'integer'],
    optional: 1,
    result: (a) => rounded(a),
  },
  TRUNCATE: {
    fn: 'TRUNCATE',
    args: ['numeric', 'integer'],
    optional: 1,
    result: (a) => rounded(a),
  },
  POWER: { fn: 'POWER', args: ['numeric', 'numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  POW: { fn: 'POWER', args: ['numeric', 'numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  SQRT: { fn: 'SQRT', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  EXP: { fn: 'EXP', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  LN: { fn: 'LN', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  LOG10: { fn: 'LOG10', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  LOG2: { fn: 'LOG2', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  SIN: { fn: 'SIN', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  COS: { fn: 'COS', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  TAN: { fn: 'TAN', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  COT: { fn: 'COT', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  ASIN: { fn: 'ASIN', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  ACOS: { fn: 'ACOS', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  ATAN: { fn: 'ATAN', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  SINH: { fn: 'SINH', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  COSH: { fn: 'COSH', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  TANH: { fn: 'TANH', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  DEGREES: { fn: 'DEGREES', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  RADIANS: { fn: 'RADIANS', args: ['numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  LOG: { fn: 'LOG', args: ['numeric', 'numeric'], optional: 1, result: (a) => Types.DOUBLE(anyNullable(a)) },
  ATAN2: { fn: 'ATAN2', args: ['numeric', 'numeric'], result: (a) => Types.DOUBLE(anyNullable(a)) },
  PI: { fn: 'PI', args: [], result: () => Types.DOUBLE(false) },
  E: { fn: 'E', args: [], result: () => Types.DOUBLE(false) },
  SIGN: { fn: 'SIGN', args: ['numeric'], result: (a) => (isNull(a[0].type) ? Types.INT() : a[0].type) },
  RAND: { fn: 'RAND', args: ['integer'], optional: 1, result: () => Types.DOUBLE(false) },
  COALESCE: {
    fn: 'COALESCE',
    args: ['any'],
    variadic: true,
    result: (a) =>
      common(
        a,
        a.every((x) => x.type.nullable),
      ),
    convertArgs: (a, result) => a.map((x) => convert(x, result)),
  },
  IFNULL: {
    fn: 'COALESCE',
    args: ['any', 'any'],
    result: (a) => common(a, a[0].type.nullable && a[1].type.nullable),
    convertArgs: (a, result) => a.map((x) => convert(x, result)),
  },
  NULLIF: {
    fn: 'NULLIF',
    args: ['any', 'any'],
    result: (a) => {
      common(a, true);
      return withNullability(a[0].type, true);
    },
    convertArgs: (a) => {
      const t = common(a, true);
      return a.map((x) => convert(x, t));
    },
  },
  IF: {
    fn: 'IF',
    args: ['boolean', 'any', 'any'],
    result: (a) => common(a.slice(1), a[1].type.nullable || a[2].type.nullable),
    convertArgs: (a, result) => [
      convert(a[0], Types.BOOLEAN()),
      convert(a[1], result),
      convert(a[2], result),
    ],
  },
  GREATEST: {
    fn: 'GREATEST',
    args: ['any'],
    variadic: true,
    result: (a) => common(a, anyNullable(a)),
    convertArgs: (a, result) => a.map((x) => convert(x, result)),
  },
  LEAST: {
    fn: 'LEAST',
    args: ['any'],
    variadic: true,
    result: (a) => common(a, anyNullable(a)),
    convertArgs: (a, result) => a.map((x) => convert(x, result)),
  },
  CURRENT_TIMESTAMP: { fn: 'CURRENT_TIMESTAMP', args: [], result: () => Types.TIMESTAMP_LTZ(3, false) },
  NOW: { fn: 'NOW', args: [], result: () => Types.TIMESTAMP_LTZ(3, false) },
  LOCALTIMESTAMP: { fn: 'LOCALTIMESTAMP', args: [], result: () => Types.TIMESTAMP(3, false) },
  CURRENT_DATE: { fn: 'CURRENT_DATE', args: [], result: () => Types.DATE(false) },
  PROCTIME: {
    fn: 'PROCTIME',
    args: [],
    result: () => ({ ...Types.TIMESTAMP_LTZ(3, false), timeAttribute: 'PROCTIME' as const }),
  },
  DATE_FORMAT: { fn: 'DATE_FORMAT', args: ['any', 'string'], result: (a) => Types.STRING(anyNullable(a)) },
  TO_TIMESTAMP: {
    fn: 'TO_TIMESTAMP',
    args: ['string', 'string'],
    optional: 1,
    result: () => Types.TIMESTAMP(3),
  },
  FROM_UNIXTIME: {
    fn: 'FROM_UNIXTIME',
    args: ['integer', 'string'],
    optional: 1,
    result: (a) => Types.STRING(anyNullable(a)),
  },
  UNIX_TIMESTAMP: {
    fn: 'UNIX_TIMESTAMP',
    args: ['string', 'string'],
    optional: 2,
    result: (a) => Types.BIGINT(a.length > 0),
  },
  HOUR: { fn: 'HOUR', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  MINUTE: { fn: 'MINUTE', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  SECOND: { fn: 'SECOND', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  DAYOFMONTH: { fn: 'DAYOFMONTH', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  YEAR: { fn: 'YEAR', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  QUARTER: { fn: 'QUARTER', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  MONTH: { fn: 'MONTH', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  WEEK: { fn: 'WEEK', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  DAYOFYEAR: { fn: 'DAYOFYEAR', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  DAYOFWEEK: { fn: 'DAYOFWEEK', args: ['temporal'], result: (a) => Types.BIGINT(a[0].type.nullable) },
  TO_DATE: { fn: 'TO_DATE', args: ['string', 'string'], optional: 1, result: () => Types.DATE() },
};

function nonNull(t: LogicalType, other: LogicalType): LogicalType {
  return isNull(t) ? withNullability(other, true) : t;
}

function integral(t: LogicalType): LogicalType {
  if (isNull(t)) return Types.INT();
  if (!isDecimal(t) || t.scale === 0) return t;
  return Types.DECIMAL(Math.min(MAX_DECIMAL_PRECISION, t.precision! - t.scale! + 1), 0, t.nullable);
}

function rounded(args: readonly Expr[]): LogicalType {
  const t = isNull(args[0].type) ? Types.INT() : args[0].type;
  const nullable = anyNullable(args);
  if (!isDecimal(t)) return withNullability(t, nullable);
  const digits = args[1]?.kind === 'literal' && typeof args[1].value === 'number' ? args[1].value : 0;
  return withNullability(roundedDecimal(t, digits), nullable);
}

/** The aggregate functions weir runs; they are bound by aggregate.ts, in SELECT and HAVING only. */
const AGGREGATES = new Set(['COUNT', 'SUM', 'AVG', 'MIN', 'MAX', 'LISTAGG', 'FIRST_VALUE', 'LAST_VALUE']);

/** Aggregate and table functions: known names that need operators the planner does not build yet. */
const NOT_YET = new Map<string, string>([
  ...[
    'SUM0',
    'COLLECT',
    'STDDEV',
    'STDDEV_POP',
    'STDDEV_SAMP',
    'VAR_POP',
    'VAR_SAMP',
    'VARIANCE',
    'ARRAY_AGG',
  ].map((n) => [n, `Aggregate function ${n}`] as const),
  ...['ROW_NUMBER', 'RANK', 'DENSE_RANK', 'LEAD', 'LAG'].map((n) => [n, `Window function ${n}`] as const),
  ...['TUMBLE', 'HOP', 'SESSION', 'CUMULATE', 'TUMBLE_START', 'TUMBLE_END', 'HOP_START', 'HOP_END'].map(
    (n) => [n, `Group window function ${n}`] as const,
  ),
  ...['CURRENT_TIME', 'LOCALTIME', 'EXTRACT', 'TIMESTAMPADD', 'TIMESTAMPDIFF', 'POSITION'].map(
    (n) => [n, `Function ${n}`] as const,
  ),
  // Grouping sets (GROUP BY ROLLUP(…) / CUBE(…) parse as calls; GROUPING SETS is a syntax error).
  ...['ROLLUP', 'CUBE'].map((n) => [n, `GROUP BY ${n} (grouping sets)`] as const),
  ...['GROUPING', 'GROUPING_ID', 'GROUP_ID'].map((n) => [n, `${n}() (grouping sets)`] as const),
  ['CURRENT_WATERMARK', 'Function CURRENT_WATERMARK'],
]);

function signatureText(name: string, s: Signature): string {
  const args = s.args.map((f, i) => {
    const text = `<${FAMILY_TEXT[f]}>`;
    return s.optional && i >= s.args.length - s.optional ? `[${text}]` : text;
  });
  return `${name}(${args.join(', ')}${s.variadic ? ', …' : ''})`;
}

/**
 * The user-defined functions visible to the statement being bound. The session sets them around
 * each statement (planning is synchronous, one statement at a time), so the many expression
 * binders a query creates need not each carry the session's function catalog.
 */
let userFunctions: FunctionCatalog | undefined;

export function withUserFunctions<T>(functions: FunctionCatalog, body: () => T): T {
  const outer = userFunctions;
  userFunctions = functions;
  try {
    return body();
  } finally {
    userFunctions = outer;
  }
}

export function bindFunction(node: A.FunctionCall, args: readonly Expr[]): Expr {
  const name = node.name.value.toUpperCase();
  // Flink's resolution order: temporary system functions shadow the built-ins, which shadow
  // catalog functions.
  const system = node.niladic ? undefined : userFunctions?.systemFunction(name);
  if (system) return bindUserFunction(system, node, args);
  if (AGGREGATES.has(name) && !node.niladic)
    throw validationError(
      `Aggregate function ${name} cannot be used here`,
      node.pos,
      'aggregates belong in the SELECT list or HAVING of a query',
    );
  const notYet = NOT_YET.get(name);
  if (notYet) throw unsupported(notYet, node.pos);
  const signature = SIGNATURES[name];
  const catalogFunction = signature || node.niladic ? undefined : userFunctions?.catalogFunction(name);
  if (catalogFunction) return bindUserFunction(catalogFunction, node, args);
  if (!signature) {
    const userNames = (userFunctions?.names() ?? []).map((n) => n.toUpperCase());
    const candidate = didYouMean(name, [
      ...Object.keys(SIGNATURES),
      ...AGGREGATES,
      ...NOT_YET.keys(),
      ...userNames,
    ]);
    // Function names are short: only suggest near-identical ones (UPER → UPPER, not FOO → MOD).
    const guess =
      candidate && editDistance(name, candidate) <= Math.max(1, Math.floor(name.length / 4))
        ? candidate
        : undefined;
    throw new WeirError(
      'SQL_VALIDATION',
      `No match found for function signature ${node.name.value}(${args.map((a) => `<${typeText(a.type)}>`).join(', ')})`,
      {
        position: node.name.pos,
        hint: guess ? `did you mean ${guess}?` : 'weir has no function of that name',
      },
    );
  }
  if (node.filter)
    throw validationError(`FILTER is only allowed in aggregate functions, not in ${name}`, node.filter.pos);
  if (node.star || node.distinct)
    throw validationError(
      `${node.star ? '*' : 'DISTINCT'} is only allowed in aggregate functions, not in ${name}`,
      node.pos,
    );
  const min = signature.args.length - (signature.optional ?? 0);
  const max = signature.variadic ? Number.POSITIVE_INFINITY : signature.args.length;
  if (args.length < min || args.length > max) {
    const expected =
      min === max
        ? `${min} argument${min === 1 ? '' : 's'}`
        : max === Number.POSITIVE_INFINITY
          ? `at least ${min} arguments`
          : `${min} to ${max} arguments`;
    throw validationError(
      `Invalid number of arguments to function '${name}'. Was expecting ${expected}`,
      node.pos,
      `expected ${signatureText(name, signature)}`,
    );
  }
  for (let i = 0; i < args.length; i++) {
    const family = signature.args[Math.min(i, signature.args.length - 1)];
    if (!inFamily(args[i].type, family)) {
      throw validationError(
        `Cannot apply '${name}' to arguments of type ${name}(${args.map((a) => `<${typeText(a.type)}>`).join(', ')})`,
        node.pos,
        `expected ${signatureText(name, signature)}`,
      );
    }
  }
  let result: LogicalType;
  try {
    result = signature.result(args);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    throw validationError(
      `Arguments of ${name} have no common type: ${args.map((a) => typeText(a.type)).join(', ')}`,
      node.pos,
    );
  }
  const converted = signature.convertArgs
    ? signature.convertArgs(args, result)
    : args.map((a, i) => {
        const family = signature.args[Math.min(i, signature.args.length - 1)];
        if (!isNull(a.type)) return a;
        return family === 'string'
          ? literal(null, Types.STRING())
          : family === 'boolean'
            ? literal(null, Types.BOOLEAN())
            : a;
      });
  if (signature.fn === 'TRIM') {
    const mode = name === 'LTRIM' ? 'LEADING' : name === 'RTRIM' ? 'TRAILING' : 'BOTH';
    return call(
      'TRIM',
      [literal(mode, Types.CHAR(mode.length, false)), literal(' ', Types.CHAR(1, false)), ...converted],
      result,
    );
  }
  return call(signature.fn, converted, result);
}

/** A call of a user-defined scalar function: arguments cast to its declared types, if it has any. */
function bindUserFunction(fn: CatalogFunction, node: A.FunctionCall, args: readonly Expr[]): Expr {
  if (node.filter || node.star || node.distinct)
    throw validationError(
      `${node.filter ? 'FILTER' : node.star ? '*' : 'DISTINCT'} is only allowed in aggregate functions, not in the scalar function ${fn.name}`,
      node.pos,
    );
  const declared = fn.argumentTypes;
  const typesText = (types: readonly LogicalType[]) => types.map((t) => typeText(t)).join(', ');
  if (!declared) return { kind: 'call', fn: fn.name, args, type: fn.resultType, udf: fn.ref };
  const mismatch = () =>
    validationError(
      `Invalid function call:\n${fn.name}(${typesText(args.map((a) => a.type))})`,
      node.pos,
      `${fn.name} takes (${typesText(declared)})`,
    );
  if (args.length !== declared.length) throw mismatch();
  const converted = args.map((a, i) => {
    const to = declared[i];
    if (isNull(a.type)) return literal(null, withNullability(to, true));
    if (!sameTypeIgnoringNullability(a.type, to) && !supportsImplicitCast(a.type, to)) throw mismatch();
    return convert(a, to);
  });
  return { kind: 'call', fn: fn.name, args: converted, type: fn.resultType, udf: fn.ref };
}

/**
 * The built-in scalar and aggregate functions weir binds, lowercase and sorted, as Flink's
 * `SHOW FUNCTIONS` lists them (user-defined functions are listed by the session).
 */
export function builtInFunctionNames(): string[] {
  return [...new Set([...Object.keys(SIGNATURES), ...AGGREGATES])].map((n) => n.toLowerCase()).sort();
}
