import type { Call, Expr } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { convertValue, narrowCode } from './cast.js';
import {
  type FunctionGen,
  type Gen,
  isApprox,
  isDecimalType,
  isIntegral,
  NULL_VALUE,
  precisionOf,
  scaleOf,
  unsupported,
  type Value,
} from './codegen.js';
import { addMonthsToDays, addMonthsToMillis, MS_PER_DAY } from './datetime.js';
import { divide, pow10, rescale, toNumber } from './decimal.js';
import { divisionByZero } from './errors.js';
import { addLong, divLong, mulLong, subLong } from './numbers.js';

/**
 * + - * / % MOD and NEG. Integer types wrap on overflow like Java (Flink does not check), BIGINT
 * is exact within ±2^53 and wraps at 64 bits beyond (rounded to a double), integral division by
 * zero fails like Java's ArithmeticException, DECIMAL results are rescaled HALF_UP to the call's
 * type and are NULL when they do not fitPrecision its precision.
 */

type Op = '+' | '-' | '*' | '/' | '%';

function throwDivisionByZero(): never {
  throw divisionByZero();
}

/** The value of `e` as the numeric type `to` (no-op when the representation already matches). */
function numericAs(g: Gen, e: Expr, v: Value, to: LogicalType): Value {
  if (isDecimalType(to)) {
    if (isDecimalType(e.type)) return v;
    return convertValue(g, v, e.type, { root: 'DECIMAL', nullable: true, precision: 38, scale: 0 });
  }
  if (isApprox(to)) {
    if (isDecimalType(e.type)) return convertValue(g, v, e.type, { root: 'DOUBLE', nullable: true });
    return v;
  }
  if (isIntegral(to) && !isIntegral(e.type) && e.type.root !== 'NULL') return convertValue(g, v, e.type, to);
  return v;
}

function fitCode(g: Gen, out: string, precision: number): void {
  const bound = pow10(precision);
  g.emit(`if (${out} >= ${bound}n || ${out} <= -${bound}n) ${out} = null;`);
}

function decimalArith(g: Gen, op: Op, call: Call, a: Value, b: Value): Value {
  const [ea, eb] = call.args;
  const sa = isDecimalType(ea.type) ? scaleOf(ea.type) : 0;
  const sb = isDecimalType(eb.type) ? scaleOf(eb.type) : 0;
  const s = scaleOf(call.type);
  const p = precisionOf(call.type);
  const to = (code: string, from: number) =>
    from === s
      ? code
      : from < s
        ? `(${code}) * ${pow10(s - from)}n`
        : `${g.helper(rescale)}(${code}, ${from}, ${s})`;
  const align = (code: string, from: number, m: number) =>
    from === m ? code : `(${code} * ${pow10(m - from)}n)`;
  return g.strictBlock(
    [a, b],
    ([x, y], out) => {
      switch (op) {
        case '+':
        case '-': {
          const m = Math.max(sa, sb);
          g.emit(`${out} = ${to(`${align(x, sa, m)} ${op} ${align(y, sb, m)}`, m)};`);
          break;
        }
        case '*':
          g.emit(`${out} = ${to(`${x} * ${y}`, sa + sb)};`);
          break;
        case '/':
          g.emit(`${out} = ${g.helper(divide)}(${x}, ${sa}, ${y}, ${sb}, ${s}, ${p});`);
          return;
        case '%': {
          const m = Math.max(sa, sb);
          g.emit(`if (${y} === 0n) ${g.helper(throwDivisionByZero)}();`);
          g.emit(`${out} = ${to(`${align(x, sa, m)} % ${align(y, sb, m)}`, m)};`);
          break;
        }
      }
      fitCode(g, out, p);
    },
    true,
  );
}

function integralArith(g: Gen, op: Op, t: LogicalType, a: Value, b: Value): Value {
  if (t.root === 'BIGINT') {
    const exact = { '+': addLong, '-': subLong, '*': mulLong } as const;
    if (op === '+' || op === '-' || op === '*') {
      return g.strictBlock([a, b], ([x, y], out) => {
        g.emit(`${out} = ${x} ${op} ${y};`);
        // Beyond 2^53 the double result is inexact: redo it in 64-bit arithmetic.
        g.emit(`if (!Number.isSafeInteger(${out})) ${out} = ${g.helper(exact[op])}(${x}, ${y});`);
      });
    }
    return g.strict([a, b], ([x, y]) =>
      op === '/'
        ? `(${y} === 0 ? ${g.helper(throwDivisionByZero)}() : ${g.helper(divLong)}(${x}, ${y}))`
        : `(${y} === 0 ? ${g.helper(throwDivisionByZero)}() : ${x} % ${y} + 0)`,
    );
  }
  return g.strict([a, b], ([x, y]) => {
    switch (op) {
      case '+':
      case '-':
        return narrowCode(`(${x} ${op} ${y})`, t);
      case '*':
        return narrowCode(`Math.imul(${x}, ${y})`, t);
      case '/':
        return narrowCode(`(${y} === 0 ? ${g.helper(throwDivisionByZero)}() : (${x} / ${y}) | 0)`, t);
      case '%':
        return narrowCode(`(${y} === 0 ? ${g.helper(throwDivisionByZero)}() : (${x} % ${y}) | 0)`, t);
    }
  });
}

function temporalArith(g: Gen, op: Op, call: Call, a: Value, b: Value): Value {
  const [ea, eb] = call.args;
  const t = call.type;
  const sign = op === '-' ? '-' : '+';
  if (eb.type.root === 'INTERVAL_YEAR_MONTH' && (op === '+' || op === '-')) {
    const months = (y: string) => (op === '-' ? `-${y}` : y);
    if (t.root === 'DATE')
      return g.strict([a, b], ([x, y]) => `${g.helper(addMonthsToDays)}(${x}, ${months(y)})`);
    if (t.root === 'TIMESTAMP' || t.root === 'TIMESTAMP_LTZ')
      return g.strict([a, b], ([x, y]) => `${g.helper(addMonthsToMillis)}(${x}, ${months(y)})`);
  }
  if (eb.type.root === 'INTERVAL_DAY_TIME' && (op === '+' || op === '-')) {
    if (t.root === 'DATE')
      return g.strict([a, b], ([x, y]) => `(${x} ${sign} Math.trunc(${y} / ${MS_PER_DAY}))`);
    if (t.root === 'TIMESTAMP' || t.root === 'TIMESTAMP_LTZ')
      return g.strict([a, b], ([x, y]) => `(${x} ${sign} ${y})`);
  }
  const interval = t.root === 'INTERVAL_DAY_TIME' || t.root === 'INTERVAL_YEAR_MONTH';
  if (interval && t.root === ea.type.root && t.root === eb.type.root && (op === '+' || op === '-'))
    return g.strict([a, b], ([x, y]) => `(${x} ${op} ${y})`);
  if ((op === '*' || op === '/') && interval) {
    const n = isDecimalType(eb.type)
      ? g.strict([b], ([y]) => `${g.helper(toNumber)}(${y}, ${scaleOf(eb.type)})`)
      : b;
    const integral = isIntegral(eb.type);
    return g.strict([a, n], ([x, y]) =>
      op === '*'
        ? `Math.trunc(${x} * ${y}) + 0`
        : integral
          ? `(${y} === 0 ? ${g.helper(throwDivisionByZero)}() : Math.trunc(${x} / ${y}) + 0)`
          : `Math.trunc(${x} / ${y}) + 0`,
    );
  }
  return unsupported(call, `on ${ea.type.root} and ${eb.type.root}`);
}

function arithmetic(op: Op): FunctionGen {
  return (g, call) => {
    if (call.args.length !== 2) unsupported(call, `with ${call.args.length} arguments`);
    const t = call.type;
    const [ea, eb] = call.args;
    const [ra, rb] = g.args(call);
    if (ra.code === 'null' || rb.code === 'null') return NULL_VALUE;
    if (isDecimalType(t)) return decimalArith(g, op, call, numericAs(g, ea, ra, t), numericAs(g, eb, rb, t));
    if (isApprox(t)) {
      const a = numericAs(g, ea, ra, t);
      const b = numericAs(g, eb, rb, t);
      return g.strict([a, b], ([x, y]) =>
        t.root === 'FLOAT' ? `Math.fround(${x} ${op} ${y})` : `(${x} ${op} ${y})`,
      );
    }
    if (isIntegral(t)) return integralArith(g, op, t, numericAs(g, ea, ra, t), numericAs(g, eb, rb, t));
    return temporalArith(g, op, call, ra, rb);
  };
}

const neg: FunctionGen = (g, call) => {
  const [v] = g.args(call);
  const t = call.type;
  switch (t.root) {
    case 'DECIMAL':
      return g.strict([v], ([x]) => `(-${x})`);
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
      return g.strict([v], ([x]) => narrowCode(`(0 - ${x})`, t));
    case 'DOUBLE':
    case 'FLOAT':
      return g.strict([v], ([x]) => `(-${x})`);
    case 'BIGINT':
    case 'INTERVAL_DAY_TIME':
    case 'INTERVAL_YEAR_MONTH':
      return g.strict([v], ([x]) => `(0 - ${x})`);
    default:
      return unsupported(call, `of ${t.root}`);
  }
};

export const arithmeticFunctions: Record<string, FunctionGen> = {
  '+': arithmetic('+'),
  '-': arithmetic('-'),
  '*': arithmetic('*'),
  '/': arithmetic('/'),
  '%': arithmetic('%'),
  MOD: arithmetic('%'),
  NEG: neg,
};
