import type { PhysicalNode } from '../physical/nodes.js';
import { physicalInputs, withInputs } from '../physical/nodes.js';
import { calcMergeRule } from './calc-merge.js';
import { calcRemoveRule } from './calc-remove.js';
import { joinProjectPruneRule } from './join-project-prune.js';
import type { Rule } from './rule.js';
import { watermarkProjectPruneRule } from './watermark-project-prune.js';

/** The rules the optimizer runs, in order; adding a rule is a file and a line here. */
export const PHYSICAL_RULES: readonly Rule[] = [
  calcMergeRule,
  calcRemoveRule,
  watermarkProjectPruneRule,
  joinProjectPruneRule,
];

/** Applies rules bottom-up, each node until no rule changes it. */
export function optimize(node: PhysicalNode, rules: readonly Rule[] = PHYSICAL_RULES): PhysicalNode {
  let current = withInputs(
    node,
    physicalInputs(node).map((i) => optimize(i, rules)),
  );
  for (let changed = true; changed; ) {
    changed = false;
    for (const rule of rules) {
      const next = rule.apply(current);
      if (next && next !== current) {
        current = next;
        changed = true;
        break;
      }
    }
  }
  return current;
}
