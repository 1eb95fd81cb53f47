import type { Expr } from '../../../common/expr.js';
import { type CalcCompileOptions, Gen } from './codegen.js';
import { FUNCTIONS } from './registry.js';

/**
 * Compiles the planner's scalar expressions to JavaScript functions, once per job: projections,
 * filter predicates, and a whole-batch filter-and-project loop for the calc operator.
 *
 * Values follow the runtime representation of src/common/types.ts; SQL NULL is `null` (an
 * `undefined` field is read as NULL too). BIGINT is a JS number: exact within ±2^53; beyond,
 * +, - and * are computed exactly in 64 bits (wrapping like Java) and rounded to the nearest double.
 */

export type { CalcCompileOptions } from './codegen.js';

export type Projection = (row: readonly unknown[]) => unknown[];
export type Predicate = (row: readonly unknown[]) => boolean;
export type CalcBatch = (rows: unknown[][], out: unknown[][]) => void;

export function compileProjection(exprs: readonly Expr[], options: CalcCompileOptions = {}): Projection {
  const g = new Gen(options, FUNCTIONS);
  const outputs = exprs.map((e) => g.expr(e).code);
  const body = g.takeBody();
  return g.build<Projection>(`return function project(row) {\n${body}\nreturn [${outputs.join(', ')}];\n};`);
}

/** TRUE keeps the row; FALSE and NULL drop it (SQL WHERE). */
export function compilePredicate(expr: Expr, options: CalcCompileOptions = {}): Predicate {
  const g = new Gen(options, FUNCTIONS);
  const v = g.expr(expr);
  const body = g.takeBody();
  return g.build<Predicate>(`return function predicate(row) {\n${body}\nreturn ${v.code} === true;\n};`);
}

/** One generated loop that filters a batch and appends the projected rows to `out`. */
export function compileCalc(
  projection: readonly Expr[],
  condition: Expr | undefined,
  options: CalcCompileOptions = {},
): CalcBatch {
  const g = new Gen(options, FUNCTIONS);
  if (condition) {
    const v = g.expr(condition);
    // Projection code runs only for kept rows; it may reuse values the condition computed.
    g.emit(`if (${v.code} !== true) continue;`);
  }
  const outputs = projection.map((e) => g.expr(e).code);
  const body = g.takeBody();
  return g.build<CalcBatch>(
    `return function calc(rows, out) {\nfor (let i = 0, n = rows.length; i < n; i++) {\nconst row = rows[i];\n${body}\nout.push([${outputs.join(', ')}]);\n}\n};`,
  );
}
