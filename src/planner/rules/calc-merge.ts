import { call, type Expr } from '../../common/expr.js';
import { Types } from '../../common/types.js';
import type { Rule } from './rule.js';

/** Replaces references to the input's columns by the input's expressions for them. */
export function substitute(e: Expr, inputs: readonly Expr[]): Expr {
  switch (e.kind) {
    case 'input':
      return inputs[e.index];
    case 'literal':
      return e;
    case 'call':
      return { ...e, args: e.args.map((a) => substitute(a, inputs)) };
    default: {
      const never: never = e;
      return never;
    }
  }
}

/**
 * Calc over Calc becomes one Calc (Flink's FlinkCalcMergeRule): the upper projection and condition
 * are rewritten over the lower Calc's input, and the two conditions are ANDed.
 */
export const calcMergeRule: Rule = {
  name: 'CalcMerge',
  apply(node) {
    if (node.kind !== 'Calc' || node.input.kind !== 'Calc') return undefined;
    const lower = node.input;
    const upperCondition = node.condition && substitute(node.condition, lower.projection);
    const condition =
      lower.condition && upperCondition
        ? call(
            'AND',
            [lower.condition, upperCondition],
            Types.BOOLEAN(lower.condition.type.nullable || upperCondition.type.nullable),
          )
        : (lower.condition ?? upperCondition);
    return {
      ...node,
      input: lower.input,
      projection: node.projection.map((e) => substitute(e, lower.projection)),
      condition,
    };
  },
};
