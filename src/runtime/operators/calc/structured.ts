import type { FunctionGen } from './codegen.js';
import { internal } from './errors.js';

/**
 * Structured types. GET_FIELD(row, index) reads field `index` of a ROW value (an array of its
 * fields); NULL when the row is NULL, and a missing field (a shorter array) reads as NULL too.
 */
export const structuredFunctions: Record<string, FunctionGen> = {
  GET_FIELD: (g, call) => {
    const [rowExpr, indexExpr] = call.args;
    if (indexExpr?.kind !== 'literal' || typeof indexExpr.value !== 'number')
      throw internal('GET_FIELD needs a literal field index');
    const index = indexExpr.value | 0;
    const row = g.expr(rowExpr);
    if (row.code === 'null') return { code: 'null', nullable: true };
    const read = `(${row.code}[${index}] ?? null)`;
    return row.nullable
      ? g.local(`${row.code} == null ? null : ${read}`, true)
      : g.local(read, call.type.nullable);
  },
};
