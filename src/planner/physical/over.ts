import type { LogicalNode, LogicalOverWindow } from '../logical/nodes.js';
import type { PhysicalNode } from './nodes.js';
import { rejectOverWindow } from './rank.js';

/** An OVER window not under a Top-N filter: an OverAggregate. */
export function convertOverWindow(
  window: LogicalOverWindow,
  _toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode {
  return rejectOverWindow(window);
}
