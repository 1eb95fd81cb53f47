import type { Call } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { convertValue, narrowCode } from './cast.js';
import {
  type FunctionGen,
  type Gen,
  isDecimalType,
  isIntegral,
  precisionOf,
  scaleOf,
  unsupported,
  type Value,
} from './codegen.js';
import {
  ceilDiv,
  divHalfUp,
  fitPrecision,
  floorDiv,
  parseDecimal,
  pow10,
  rescale,
  toNumber,
} from './decimal.js';

/** ABS, SIGN, FLOOR, CEIL, ROUND, TRUNCATE, POWER, SQRT, EXP, logarithms, trigonometry, RAND. */

type Mode = 'HALF_UP' | 'DOWN';

function roundUnscaled(u: bigint, drop: number, mode: Mode): bigint {
  if (drop <= 0) return u;
  const unit = pow10(drop);
  return mode === 'HALF_UP' ? divHalfUp(u, unit) : u / unit;
}

/** A DECIMAL at scale s rounded to `digits` decimal places, re-expressed at `target` scale. */
function roundDecimal(
  u: bigint,
  s: number,
  digits: number,
  target: number,
  precision: number,
  mode: Mode,
): bigint | null {
  if (digits >= s) return fitPrecision(rescale(u, s, target), precision);
  const r = roundUnscaled(u, s - digits, mode);
  return fitPrecision(rescale(r, digits, target), precision);
}

/** Flink's sround/struncate on integral values: BigDecimal arithmetic, then Java narrowing. */
function roundIntegral(n: number, digits: number, mode: Mode, bits: number): number {
  if (digits >= 0) return n;
  const unit = pow10(-digits);
  const r = roundUnscaled(BigInt(n), -digits, mode) * unit;
  return Number(BigInt.asIntN(bits, r));
}

/**
 * Flink's sround/struncate on doubles: BigDecimal.valueOf(d) (the shortest decimal digits, as in
 * Double.toString) rounded to `digits` places, back to a double.
 */
function roundDouble(d: number, digits: number, mode: Mode): number {
  if (!Number.isFinite(d)) return d;
  const text = String(d);
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(text);
  if (!m) return d;
  const scale = (m[3]?.length ?? 0) - Number(m[4] ?? 0);
  const u = parseDecimal(text, Math.max(scale, digits));
  if (u === undefined) return d;
  const working = Math.max(scale, digits);
  const r = roundUnscaled(u, working - digits, mode);
  const result = toNumber(r, digits);
  return result === 0 && m[1] === '-' ? -0 : result;
}

const BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

function digitsArg(g: Gen, call: Call): Value {
  return call.args.length > 1 ? g.expr(call.args[1]) : { code: '0', nullable: false };
}

function rounding(mode: Mode): FunctionGen {
  return (g, call) => {
    const [e] = call.args;
    const v = g.expr(e);
    const d = digitsArg(g, call);
    const t = call.type;
    const m = JSON.stringify(mode);
    if (isDecimalType(e.type)) {
      return g.strict(
        [v, d],
        ([x, y]) =>
          `${g.helper(roundDecimal)}(${x}, ${scaleOf(e.type)}, ${y}, ${scaleOf(t)}, ${precisionOf(t)}, ${m})`,
        true,
      );
    }
    if (isIntegral(e.type)) {
      return g.strict(
        [v, d],
        ([x, y]) => `${g.helper(roundIntegral)}(${x}, ${y}, ${m}, ${BITS[e.type.root]})`,
      );
    }
    if (e.type.root === 'DOUBLE')
      return g.strict([v, d], ([x, y]) => `${g.helper(roundDouble)}(${x}, ${y}, ${m})`);
    if (e.type.root === 'FLOAT')
      return g.strict([v, d], ([x, y]) => `Math.fround(${g.helper(roundDouble)}(${x}, ${y}, ${m}))`);
    return unsupported(call, `of ${e.type.root}`);
  };
}

function floorCeil(kind: 'floor' | 'ceil'): FunctionGen {
  return (g, call) => {
    if (call.args.length !== 1) unsupported(call, 'with a time unit');
    const [e] = call.args;
    const v = g.expr(e);
    if (isIntegral(e.type)) return v;
    if (e.type.root === 'DOUBLE' || e.type.root === 'FLOAT')
      return g.strict([v], ([x]) => `Math.${kind}(${x})`);
    if (isDecimalType(e.type)) {
      const s = scaleOf(e.type);
      if (s === 0) return v;
      const helper = g.helper(kind === 'floor' ? floorDiv : ceilDiv);
      const target = scaleOf(call.type);
      return g.strict(
        [v],
        ([x]) =>
          `${g.helper(fitPrecision)}(${g.helper(rescale)}(${helper}(${x}, ${pow10(s)}n), 0, ${target}), ${precisionOf(call.type)})`,
        true,
      );
    }
    return unsupported(call, `of ${e.type.root}`);
  };
}

/** The argument as a double (Flink converts DECIMAL with doubleValue()). */
function asDouble(g: Gen, t: LogicalType, v: Value): Value {
  if (isDecimalType(t)) return g.strict([v], ([x]) => `${g.helper(toNumber)}(${x}, ${scaleOf(t)})`);
  return v;
}

function unaryDouble(fn: string): FunctionGen {
  return (g, call) => {
    const [e] = call.args;
    const v = asDouble(g, e.type, g.expr(e));
    return g.strict([v], ([x]) => `${fn}(${x})`);
  };
}

const abs: FunctionGen = (g, call) => {
  const [e] = call.args;
  const v = g.expr(e);
  const t = call.type;
  if (isDecimalType(e.type)) {
    const out = g.strict([v], ([x]) => `(${x} < 0n ? -${x} : ${x})`);
    return isDecimalType(t) && scaleOf(t) !== scaleOf(e.type) ? convertValue(g, out, e.type, t) : out;
  }
  if (isIntegral(e.type)) return g.strict([v], ([x]) => narrowCode(`Math.abs(${x})`, t));
  return g.strict([v], ([x]) => `Math.abs(${x})`);
};

/** SIGN keeps its argument's type: -1, 0 or 1 (a DECIMAL at its own scale; NaN and -0.0 as Java). */
const sign: FunctionGen = (g, call) => {
  const [e] = call.args;
  const v = g.expr(e);
  if (isDecimalType(e.type)) {
    const one = `${pow10(scaleOf(e.type))}n`;
    return g.strict([v], ([x]) => `(${x} < 0n ? -${one} : ${x} > 0n ? ${one} : 0n)`);
  }
  return g.strict([v], ([x]) => `Math.sign(${x})`);
};

/** A function of doubles: DECIMAL arguments are converted first. */
function doubles(code: (args: string[]) => string): FunctionGen {
  return (g, call) =>
    g.strict(
      call.args.map((e) => asDouble(g, e.type, g.expr(e))),
      code,
    );
}

/** Flink's LOG(x) is the natural logarithm; LOG(base, x) = ln(x) / ln(base). */
const log: FunctionGen = doubles((a) =>
  a.length === 1 ? `Math.log(${a[0]})` : `(Math.log(${a[1]}) / Math.log(${a[0]}))`,
);

const power: FunctionGen = (g, call) => {
  const [ea, eb] = call.args;
  const a = asDouble(g, ea.type, g.expr(ea));
  const b = asDouble(g, eb.type, g.expr(eb));
  return g.strict([a, b], ([x, y]) => `Math.pow(${x}, ${y})`);
};

/** java.util.Random, so RAND(seed) gives Flink's sequence for a seed. */
export class JavaRandom {
  private seed: bigint;
  constructor(seed: number) {
    this.seed = (BigInt(Math.trunc(seed)) ^ 0x5deece66dn) & ((1n << 48n) - 1n);
  }
  private next(bits: number): number {
    this.seed = (this.seed * 0x5deece66dn + 0xbn) & ((1n << 48n) - 1n);
    return Number(BigInt.asIntN(32, this.seed >> BigInt(48 - bits)));
  }
  nextDouble(): number {
    return (this.next(26) * 134217728 + this.next(27)) * 2 ** -53;
  }
}

const rand: FunctionGen = (g, call) => {
  if (call.args.length === 0) return g.local(`${g.bind(g.random, 'random')}()`, false);
  const seed = call.args[0];
  if (seed.kind !== 'literal') return unsupported(call, 'with a seed that is not a literal');
  if (seed.value === null) return g.local(`${g.bind(g.random, 'random')}()`, false);
  const random = new JavaRandom(Number(seed.value));
  return g.local(`${g.bind(random, 'rng')}.nextDouble()`, false);
};

/**
 * A stable 32-bit hash of any value: the same in every process, so that a row's bucket does not
 * depend on where it is computed (see HASH_CODE).
 */
function hashCode(v: unknown): number {
  const text =
    typeof v === 'bigint'
      ? `${v}n`
      : v instanceof Uint8Array
        ? Array.from(v).join(',')
        : typeof v === 'object'
          ? JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x))
          : `${typeof v}:${String(v)}`;
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(31, h) + text.charCodeAt(i)) | 0;
  return h;
}

/** Flink's internal HASH_CODE, which the planner's distinct-aggregate split buckets rows by; not callable from SQL. */
const hash: FunctionGen = (g, call) => {
  const [e] = call.args;
  return g.strict([g.expr(e)], ([x]) => `${g.helper(hashCode)}(${x})`);
};

export const mathFunctions: Record<string, FunctionGen> = {
  HASH_CODE: hash,
  ABS: abs,
  FLOOR: floorCeil('floor'),
  CEIL: floorCeil('ceil'),
  ROUND: rounding('HALF_UP'),
  TRUNCATE: rounding('DOWN'),
  POWER: power,
  SQRT: unaryDouble('Math.sqrt'),
  EXP: unaryDouble('Math.exp'),
  LN: unaryDouble('Math.log'),
  LOG10: unaryDouble('Math.log10'),
  LOG2: unaryDouble('Math.log2'),
  LOG: log,
  SIGN: sign,
  SIN: unaryDouble('Math.sin'),
  COS: unaryDouble('Math.cos'),
  TAN: unaryDouble('Math.tan'),
  COT: doubles(([x]) => `(1 / Math.tan(${x}))`),
  ASIN: unaryDouble('Math.asin'),
  ACOS: unaryDouble('Math.acos'),
  ATAN: unaryDouble('Math.atan'),
  ATAN2: doubles(([y, x]) => `Math.atan2(${y}, ${x})`),
  SINH: unaryDouble('Math.sinh'),
  COSH: unaryDouble('Math.cosh'),
  TANH: unaryDouble('Math.tanh'),
  DEGREES: doubles(([x]) => `(${x} * ${180 / Math.PI})`),
  RADIANS: doubles(([x]) => `(${x} / ${180 / Math.PI})`),
  PI: (g) => g.local(String(Math.PI), false),
  E: (g) => g.local(String(Math.E), false),
  RAND: rand,
};
