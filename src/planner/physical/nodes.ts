import type { ConnectorDescriptor } from '../../common/connector.js';
import type { Expr } from '../../common/expr.js';
import type { ChangelogMode } from '../../common/jobgraph.js';
import type { RowType } from '../../common/types.js';
import type { CatalogTable } from '../catalog/catalog.js';

/**
 * Physical (executable) plan nodes, one per runtime operator kind, each knowing the changelog it
 * emits. Names follow Flink's StreamPhysical* nodes as EXPLAIN prints them.
 */
export type PhysicalNode = PhysicalTableSourceScan | PhysicalCalc | PhysicalSink;

export interface PhysicalTableSourceScan {
  readonly kind: 'TableSourceScan';
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  readonly rowType: RowType;
  readonly changelogMode: ChangelogMode;
}

/** Projection and filter in one operator (Flink's Calc). */
export interface PhysicalCalc {
  readonly kind: 'Calc';
  readonly input: PhysicalNode;
  readonly projection: readonly Expr[];
  readonly condition?: Expr;
  readonly rowType: RowType;
  readonly changelogMode: ChangelogMode;
}

export interface PhysicalSink {
  readonly kind: 'Sink';
  readonly input: PhysicalNode;
  readonly table: CatalogTable;
  readonly connector: ConnectorDescriptor;
  /** The row type the sink consumes (named as the query named it, as Flink prints). */
  readonly rowType: RowType;
  /** The changelog the sink receives. */
  readonly changelogMode: ChangelogMode;
}

export function physicalInputs(node: PhysicalNode): readonly PhysicalNode[] {
  switch (node.kind) {
    case 'TableSourceScan':
      return [];
    case 'Calc':
    case 'Sink':
      return [node.input];
    default: {
      const never: never = node;
      return never;
    }
  }
}

export function withInputs(node: PhysicalNode, inputs: readonly PhysicalNode[]): PhysicalNode {
  switch (node.kind) {
    case 'TableSourceScan':
      return node;
    case 'Calc':
    case 'Sink':
      return inputs[0] === node.input ? node : { ...node, input: inputs[0] };
    default: {
      const never: never = node;
      return never;
    }
  }
}
