import { type Expr, inputRef } from '../../common/expr.js';
import type { PhysicalNode } from '../physical/nodes.js';
import { substitute } from './calc-merge.js';
import type { Rule } from './rule.js';

/** The input fields an expression reads. */
export function collectInputs(e: Expr, into: Set<number>): Set<number> {
  switch (e.kind) {
    case 'input':
      into.add(e.index);
      break;
    case 'literal':
      break;
    case 'call':
      for (const a of e.args) collectInputs(a, into);
      break;
    default: {
      const never: never = e;
      return never;
    }
  }
  return into;
}

/**
 * Calc over WatermarkAssigner over Calc: the lower Calc computes only the columns the upper Calc
 * and the watermark need (Flink's ProjectWatermarkAssignerTransposeRule), so the computed-column
 * Calc after a scan does not carry columns nobody reads through the assigner. The rowtime column is
 * always kept; rows are neither added nor dropped, so watermarks are unchanged.
 */
export const watermarkProjectPruneRule: Rule = {
  name: 'WatermarkProjectPrune',
  apply(node) {
    if (node.kind !== 'Calc' || node.input.kind !== 'WatermarkAssigner') return undefined;
    const wa = node.input;
    const lower = wa.input;
    if (lower.kind !== 'Calc') return undefined;
    const used = new Set<number>([wa.rowtimeIndex]);
    collectInputs(wa.watermarkExpr, used);
    for (const e of node.projection) collectInputs(e, used);
    if (node.condition) collectInputs(node.condition, used);
    if (used.size >= lower.projection.length) return undefined;
    const kept = [...used].sort((a, b) => a - b);
    const remap: Expr[] = [];
    kept.forEach((old, i) => {
      remap[old] = inputRef(i, wa.rowType.fields[old].type);
    });
    const newLower: PhysicalNode = {
      ...lower,
      projection: kept.map((i) => lower.projection[i]),
      rowType: { fields: kept.map((i) => lower.rowType.fields[i]) },
    };
    const newWa: PhysicalNode = {
      ...wa,
      input: newLower,
      rowtimeIndex: kept.indexOf(wa.rowtimeIndex),
      watermarkExpr: substitute(
        wa.watermarkExpr,
        kept
          .map((i, j) => inputRef(j, lower.rowType.fields[i].type))
          .reduce<Expr[]>((acc, r, j) => {
            acc[kept[j]] = r;
            return acc;
          }, []),
      ),
      rowType: { fields: kept.map((i) => wa.rowType.fields[i]) },
    };
    return {
      ...node,
      input: newWa,
      projection: node.projection.map((e) => substitute(e, remap)),
      condition: node.condition && substitute(node.condition, remap),
    };
  },
};
