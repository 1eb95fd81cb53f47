import type { Rule } from './rule.js';

/** A Calc that neither filters nor changes its input's columns does nothing: drop it (Flink's CalcRemoveRule). */
export const calcRemoveRule: Rule = {
  name: 'CalcRemove',
  apply(node) {
    if (node.kind !== 'Calc' || node.condition) return undefined;
    const input = node.input.rowType.fields;
    const identity =
      node.projection.length === input.length &&
      node.projection.every(
        (e, i) => e.kind === 'input' && e.index === i && e.type.root === input[i].type.root,
      );
    return identity ? node.input : undefined;
  },
};
