import { inputRef } from '../../common/expr.js';
import type { LogicalNode } from '../logical/nodes.js';
import type { PhysicalNode } from './nodes.js';

/**
 * Logical to physical, one node for one: a scan becomes a TableSourceScan, a projection or filter a
 * Calc (the rules then merge Calcs and drop empty ones), a sink a Sink. Changelog modes are derived
 * on the way up: sources declare theirs, Calc passes its input's through.
 */
export function toPhysical(node: LogicalNode): PhysicalNode {
  switch (node.kind) {
    case 'LogicalTableScan':
      return {
        kind: 'TableSourceScan',
        table: node.table,
        connector: node.connector,
        rowType: node.rowType,
        changelogMode: node.connector.source?.changelogMode ?? 'insert-only',
      };
    case 'LogicalProject': {
      const input = toPhysical(node.input);
      return {
        kind: 'Calc',
        input,
        projection: node.exprs,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalFilter': {
      const input = toPhysical(node.input);
      return {
        kind: 'Calc',
        input,
        projection: input.rowType.fields.map((f, i) => inputRef(i, f.type)),
        condition: node.condition,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    case 'LogicalSink': {
      const input = toPhysical(node.input);
      return {
        kind: 'Sink',
        input,
        table: node.table,
        connector: node.connector,
        rowType: node.rowType,
        changelogMode: input.changelogMode,
      };
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}
