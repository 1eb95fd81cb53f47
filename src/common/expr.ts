import type { LogicalType } from './types.js';
import type { UdfRef } from './udf.js';

/**
 * Scalar expressions as the planner hands them to the runtime: resolved (column references are
 * input indexes), typed, and plain JSON. The runtime compiles them to JavaScript once per job.
 *
 * Literal values use the runtime representation of their type (see types.ts), except that values
 * JSON cannot carry are encoded: DECIMAL as its unscaled value in a decimal string, BYTES as hex.
 */
export type Expr = InputRef | Literal | Call;

export interface InputRef {
  readonly kind: 'input';
  readonly index: number;
  readonly type: LogicalType;
}

export interface Literal {
  readonly kind: 'literal';
  readonly value: string | number | boolean | null;
  readonly type: LogicalType;
}

/**
 * A call of a built-in operator or function. `fn` is the upper-case SQL name ('+', '=', 'AND',
 * 'IS NULL', 'CAST', 'CASE', 'UPPER' …); the runtime's function table and the planner's signature
 * table are keyed by it.
 */
export interface Call {
  readonly kind: 'call';
  readonly fn: string;
  readonly args: readonly Expr[];
  readonly type: LogicalType;
  /** A user-defined function: `fn` is then its SQL name and this says where its code lives. */
  readonly udf?: UdfRef;
}

export const inputRef = (index: number, type: LogicalType): InputRef => ({ kind: 'input', index, type });
export const literal = (value: Literal['value'], type: LogicalType): Literal => ({
  kind: 'literal',
  value,
  type,
});
export const call = (fn: string, args: readonly Expr[], type: LogicalType): Call => ({
  kind: 'call',
  fn,
  args,
  type,
});
