import type { PhysicalNode } from '../physical/nodes.js';

/** An optimizer rule: a rewrite of one node (its inputs already optimized), or undefined when it does not apply. */
export interface Rule {
  readonly name: string;
  apply(node: PhysicalNode): PhysicalNode | undefined;
}
