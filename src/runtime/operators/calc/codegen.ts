import type { Call, Expr, Literal } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { loadScalarFunction } from '../../../common/udf.js';
import { defaultZoneId, type Zone, zone } from './datetime.js';
import { internal, notSupported } from './errors.js';
import { udfCall } from './udf.js';

/**
 * The expression compiler's core. Each expression becomes straight-line JavaScript that assigns
 * its value to a local variable (`null` for SQL NULL); conditional operators (AND, OR, CASE,
 * COALESCE, IF) evaluate their later operands inside nested blocks, so a branch that is not taken
 * is not evaluated, as in Flink's generated code. Constants, helpers and precompiled patterns are
 * parameters of the generated function, so no user text is ever spliced into the source.
 */

export interface CalcCompileOptions {
  /** Session time zone ('table.local-time-zone'), for TIMESTAMP_LTZ; defaults to the system zone. */
  readonly timeZone?: string;
  /** Epoch milliseconds for CURRENT_TIMESTAMP, NOW, LOCALTIMESTAMP, CURRENT_DATE and PROCTIME. */
  readonly clock?: () => number;
  /** Source of RAND() without a seed; Math.random by default. */
  readonly random?: () => number;
}

/** A compiled subexpression: a side-effect-free JavaScript expression (a local, a parameter or a literal). */
export interface Value {
  readonly code: string;
  /** False when the value can never be NULL, which lets callers skip null checks. */
  readonly nullable: boolean;
}

export const NULL_VALUE: Value = { code: 'null', nullable: true };

export type FunctionGen = (g: Gen, call: Call) => Value;

/** Calls that must be evaluated each time they appear, so they are never shared. */
const VOLATILE = new Set(['RAND']);

export class Gen {
  readonly zone: Zone;
  readonly clock: () => number;
  readonly random: () => number;
  private lines: string[] = [];
  private scopes: Map<string, Value>[] = [new Map()];
  private counter = 0;
  private readonly paramNames: string[] = [];
  private readonly paramValues: unknown[] = [];
  private readonly bound = new Map<unknown, string>();
  private readonly keys = new WeakMap<Expr, string | null>();
  private usesNow = false;

  constructor(
    options: CalcCompileOptions,
    private readonly table: ReadonlyMap<string, FunctionGen>,
  ) {
    this.zone = zone(options.timeZone ?? defaultZoneId());
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  emit(line: string): void {
    this.lines.push(line);
  }

  fresh(prefix = 'v'): string {
    return `${prefix}${this.counter++}`;
  }

  /** Passes a value to the generated code as a parameter; returns the parameter's name. */
  bind(value: unknown, hint = 'k'): string {
    const reusable =
      (typeof value === 'object' && value !== null) ||
      typeof value === 'function' ||
      typeof value === 'string';
    if (reusable) {
      const existing = this.bound.get(value);
      if (existing) return existing;
    }
    const name = `${hint.replace(/[^A-Za-z0-9_]/g, '_')}_${this.counter++}`;
    this.paramNames.push(name);
    this.paramValues.push(value);
    if (reusable) this.bound.set(value, name);
    return name;
  }

  /** A runtime helper function, bound once under its own name. */
  helper(fn: (...args: never[]) => unknown): string {
    return this.bind(fn, `h_${fn.name || 'fn'}`);
  }

  /** Emits `let v = code;` and returns the local. */
  local(code: string, nullable: boolean): Value {
    const v = this.fresh();
    this.emit(`let ${v} = ${code};`);
    return { code: v, nullable };
  }

  /** Generates code into a nested block (own sharing scope); returns the block's source. */
  block(body: () => void): string {
    const outer = this.lines;
    this.lines = [];
    this.scopes.push(new Map());
    try {
      body();
      return this.lines.join('\n');
    } finally {
      this.scopes.pop();
      this.lines = outer;
    }
  }

  /** The epoch ms of "now", read once per row (Flink evaluates CURRENT_TIMESTAMP once per record). */
  now(): string {
    this.usesNow = true;
    return 'now';
  }

  expr(e: Expr): Value {
    const key = this.keyOf(e);
    if (key !== null) {
      for (let i = this.scopes.length - 1; i >= 0; i--) {
        const hit = this.scopes[i].get(key);
        if (hit) return hit;
      }
    }
    const v = this.generate(e);
    if (key !== null) this.scopes[this.scopes.length - 1].set(key, v);
    return v;
  }

  args(call: Call): Value[] {
    return call.args.map((a) => this.expr(a));
  }

  /**
   * A NULL-propagating operation: NULL when any argument is NULL, otherwise `body` of the
   * argument codes (which may itself yield NULL when `resultNullable`).
   */
  strict(args: readonly Value[], body: (codes: string[]) => string, resultNullable = false): Value {
    if (args.some((a) => a.code === 'null')) return NULL_VALUE;
    const codes = args.map((a) => a.code);
    const checks = args.filter((a) => a.nullable).map((a) => `${a.code} != null`);
    if (checks.length === 0) return this.local(body(codes), resultNullable);
    const v = this.fresh();
    this.emit(`let ${v} = null;`);
    this.emit(`if (${checks.join(' && ')}) ${v} = ${body(codes)};`);
    return { code: v, nullable: true };
  }

  /** Like strict, for bodies that need statements: `body` assigns the result to `target`. */
  strictBlock(
    args: readonly Value[],
    body: (codes: string[], target: string) => void,
    resultNullable = false,
  ): Value {
    if (args.some((a) => a.code === 'null')) return NULL_VALUE;
    const codes = args.map((a) => a.code);
    const checks = args.filter((a) => a.nullable).map((a) => `${a.code} != null`);
    const v = this.fresh();
    this.emit(`let ${v} = null;`);
    if (checks.length === 0) {
      body(codes, v);
      return { code: v, nullable: resultNullable };
    }
    const inner = this.block(() => body(codes, v));
    this.emit(`if (${checks.join(' && ')}) {\n${inner}\n}`);
    return { code: v, nullable: true };
  }

  private generate(e: Expr): Value {
    switch (e.kind) {
      case 'input':
        return this.local(`row[${e.index | 0}]`, e.type.nullable);
      case 'literal':
        return this.literal(e);
      case 'call': {
        if (e.udf) return udfCall(this, { ...e, udf: e.udf });
        const gen = this.table.get(e.fn);
        if (!gen) {
          throw internal(
            `The expression compiler has no function '${e.fn}' (the planner should not produce it)`,
          );
        }
        return gen(this, e);
      }
      default: {
        const never: never = e;
        throw internal(`Unknown expression ${JSON.stringify(never)}`);
      }
    }
  }

  literal(e: Literal): Value {
    const { value, type } = e;
    if (value === null) return NULL_VALUE;
    switch (type.root) {
      case 'BOOLEAN':
        return { code: value === true ? 'true' : 'false', nullable: false };
      case 'DECIMAL': {
        const unscaled = BigInt(value as string | number);
        return { code: unscaled < 0n ? `(${unscaled}n)` : `${unscaled}n`, nullable: false };
      }
      case 'CHAR':
      case 'VARCHAR':
        return { code: this.bind(String(value), 's'), nullable: false };
      case 'BINARY':
      case 'VARBINARY':
        return { code: this.bind(Buffer.from(String(value), 'hex'), 'b'), nullable: false };
      case 'TINYINT':
      case 'SMALLINT':
      case 'INT':
      case 'BIGINT':
      case 'FLOAT':
      case 'DOUBLE':
      case 'DATE':
      case 'TIME':
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
      case 'INTERVAL_YEAR_MONTH':
      case 'INTERVAL_DAY_TIME':
        return { code: numberCode(Number(value)), nullable: false };
      default:
        return { code: this.bind(value, 'c'), nullable: false };
    }
  }

  private keyOf(e: Expr): string | null {
    const cached = this.keys.get(e);
    if (cached !== undefined) return cached;
    let key: string | null;
    if (e.kind === 'input') key = `$${e.index}`;
    else if (e.kind === 'literal') key = null;
    else if (e.udf ? !loadScalarFunction(e.udf).deterministic : VOLATILE.has(e.fn)) key = null;
    else {
      const parts: string[] = [];
      for (const a of e.args) {
        const k = a.kind === 'literal' ? `L${JSON.stringify([a.value, a.type])}` : this.keyOf(a);
        if (k === null) {
          this.keys.set(e, null);
          return null;
        }
        parts.push(k);
      }
      key = `${e.udf ? `udf:${e.udf.module}#${e.udf.export}` : e.fn}(${parts.join(',')}):${JSON.stringify(e.type)}`;
    }
    this.keys.set(e, key);
    return key;
  }

  /** Takes the generated statements, with the per-row prelude they need. */
  takeBody(): string {
    const body = this.lines.join('\n');
    this.lines = [];
    return this.usesNow ? `const now = clock();\n${body}` : body;
  }

  /** Instantiates generated source: `source` must `return` the function. */
  build<F>(source: string): F {
    const names = [...this.paramNames, 'clock'];
    const values = [...this.paramValues, this.clock];
    try {
      const factory = new Function(...names, `'use strict';\n${source}`);
      return factory(...values) as F;
    } catch (err) {
      throw internal(`Generated expression code does not compile: ${(err as Error).message}\n${source}`);
    }
  }
}

/** A JavaScript literal for a number, safe to place next to any operator. */
export function numberCode(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return 'Infinity';
  if (n === Number.NEGATIVE_INFINITY) return '(-Infinity)';
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${n})` : String(n);
}

export function unsupported(call: Call, detail?: string): never {
  throw notSupported(detail ? `${call.fn} ${detail}` : `${call.fn}`);
}

/** Type helpers shared by the operator modules. */
export const isIntegral = (t: LogicalType) =>
  t.root === 'TINYINT' || t.root === 'SMALLINT' || t.root === 'INT' || t.root === 'BIGINT';
export const isApprox = (t: LogicalType) => t.root === 'FLOAT' || t.root === 'DOUBLE';
export const isDecimalType = (t: LogicalType) => t.root === 'DECIMAL';
export const isNumericType = (t: LogicalType) => isIntegral(t) || isApprox(t) || isDecimalType(t);
export const isString = (t: LogicalType) => t.root === 'CHAR' || t.root === 'VARCHAR';
export const isBinaryType = (t: LogicalType) => t.root === 'BINARY' || t.root === 'VARBINARY';
export const scaleOf = (t: LogicalType) => t.scale ?? 0;
export const precisionOf = (t: LogicalType) => t.precision ?? 10;
