import { call, type Expr, inputRef, literal } from '../../../common/expr.js';
import { type LogicalType, Types } from '../../../common/types.js';
import { type CalcCompileOptions, compileProjection } from './index.js';

/** Small builders for the calc tests: typed literals, column references and calls. */

export const T = Types;
export const INT = Types.INT();
export const BIGINT = Types.BIGINT();
export const DOUBLE = Types.DOUBLE();
export const STRING = Types.STRING();
export const BOOL = Types.BOOLEAN();
export const dec = (p: number, s: number) => Types.DECIMAL(p, s);

export const lit = (value: string | number | boolean | null, type: LogicalType): Expr => literal(value, type);
export const int = (n: number | null): Expr => literal(n, INT);
export const big = (n: number | null): Expr => literal(n, BIGINT);
export const dbl = (n: number | null): Expr => literal(n, DOUBLE);
export const str = (s: string | null): Expr => literal(s, STRING);
export const bool = (b: boolean | null): Expr => literal(b, BOOL);
/** A DECIMAL literal from its text, e.g. d('12.50') is DECIMAL(4, 2) with unscaled 1250. */
export const d = (text: string, precision?: number): Expr => {
  const negative = text.startsWith('-');
  const body = negative ? text.slice(1) : text;
  const [i, f = ''] = body.split('.');
  const digits = (i + f).replace(/^0+(?=\d)/, '');
  const p = precision ?? Math.max(digits.length, f.length, 1);
  return literal(`${negative ? '-' : ''}${digits}`, Types.DECIMAL(p, f.length));
};
export const nul = (type: LogicalType): Expr => literal(null, type);
export const ref = (index: number, type: LogicalType): Expr => inputRef(index, type);
export const fn = (name: string, args: readonly Expr[], type: LogicalType): Expr => call(name, args, type);
export const cast = (e: Expr, type: LogicalType): Expr => call('CAST', [e], type);

/** Evaluates one expression over a row. */
export function ev(e: Expr, row: readonly unknown[] = [], options?: CalcCompileOptions): unknown {
  return compileProjection([e], options)(row)[0];
}
