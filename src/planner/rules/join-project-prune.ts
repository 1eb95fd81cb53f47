import { type Expr, inputRef } from '../../common/expr.js';
import type { PhysicalIntervalJoin, PhysicalJoin, PhysicalNode } from '../physical/nodes.js';
import { substitute } from './calc-merge.js';
import { optimize } from './index.js';
import type { Rule } from './rule.js';
import { collectInputs } from './watermark-project-prune.js';

/**
 * Calc over Join: each join input keeps only the columns the Calc, the join keys and the join
 * condition read (Flink's ProjectJoinTransposeRule), so the join's state holds only those. A Calc
 * is put below each input's Exchange and merged with what is there.
 */
export const joinProjectPruneRule: Rule = {
  name: 'JoinProjectPrune',
  apply(node) {
    if (node.kind !== 'Calc' || (node.input.kind !== 'Join' && node.input.kind !== 'IntervalJoin'))
      return undefined;
    const join = node.input;
    const nL = join.left.rowType.fields.length;
    // A semi/anti join outputs its left row only; its condition is over the left row, then the right.
    const semiAnti = join.joinType === 'SEMI' || join.joinType === 'ANTI';
    const conditionFields = semiAnti
      ? [...join.left.rowType.fields, ...join.right.rowType.fields]
      : join.rowType.fields;
    const used = new Set<number>();
    for (const e of node.projection) collectInputs(e, used);
    if (node.condition) collectInputs(node.condition, used);
    collectInputs(join.condition, used);
    for (const k of join.leftKeys) used.add(k);
    for (const k of join.rightKeys) used.add(nL + k);
    if (join.kind === 'IntervalJoin') {
      used.add(join.leftTimeIndex);
      used.add(nL + join.rightTimeIndex);
    }
    if (used.size === conditionFields.length) return undefined;
    const kept = [...used].sort((a, b) => a - b);
    const keptLeft = kept.filter((i) => i < nL);
    const keptRight = kept.filter((i) => i >= nL).map((i) => i - nL);
    // Joined-row index before → reference after pruning.
    const remap: Expr[] = [];
    kept.forEach((old, i) => {
      remap[old] = inputRef(i, conditionFields[old].type);
    });
    const left = pruneSide(join.left, keptLeft);
    const right = pruneSide(join.right, keptRight);
    const pruned: PhysicalJoin | PhysicalIntervalJoin = {
      ...join,
      ...(join.kind === 'IntervalJoin'
        ? {
            leftTimeIndex: keptLeft.indexOf(join.leftTimeIndex),
            rightTimeIndex: keptRight.indexOf(join.rightTimeIndex),
          }
        : {}),
      left,
      right,
      leftKeys: join.leftKeys.map((k) => keptLeft.indexOf(k)),
      rightKeys: join.rightKeys.map((k) => keptRight.indexOf(k)),
      condition: substitute(join.condition, remap),
      ...(join.nonEquiCondition ? { nonEquiCondition: substitute(join.nonEquiCondition, remap) } : {}),
      rowType: { fields: (semiAnti ? keptLeft : kept).map((i) => conditionFields[i]) },
    };
    return {
      ...node,
      input: pruned,
      projection: node.projection.map((e) => substitute(e, remap)),
      ...(node.condition ? { condition: substitute(node.condition, remap) } : {}),
    };
  },
};

/** The join input (an Exchange) with only the `kept` columns, keys renumbered. */
function pruneSide(exchange: PhysicalNode, kept: readonly number[]): PhysicalNode {
  if (exchange.kind !== 'Exchange') return exchange;
  const input = exchange.input;
  const fields = input.rowType.fields;
  const calc: PhysicalNode = optimize({
    kind: 'Calc',
    input,
    projection: kept.map((i) => inputRef(i, fields[i].type)),
    rowType: { fields: kept.map((i) => fields[i]) },
    changelogMode: input.changelogMode,
  });
  return {
    ...exchange,
    input: calc,
    distribution:
      exchange.distribution.kind === 'hash'
        ? { kind: 'hash', keys: exchange.distribution.keys.map((k) => kept.indexOf(k)) }
        : exchange.distribution,
    rowType: calc.rowType,
  };
}
