import { createHash } from 'node:crypto';
import {
  type ConnectorSpec,
  JOB_GRAPH_VERSION,
  type JobEdge,
  type JobGraph,
  type JobVertex,
  type OperatorSpec,
} from '../common/jobgraph.js';
import type { RowType } from '../common/types.js';
import { type CatalogTable, identifierText } from './catalog/catalog.js';
import { physicalLabel } from './explain.js';
import { type PhysicalNode, physicalInputs } from './physical/nodes.js';

/**
 * The physical plan as the runtime's JobGraph: one vertex per physical node, forward edges.
 * Vertex ids are 32 hex digits like Flink's operator ids, derived from the vertex's place in the
 * graph (kind, position, table, inputs), so the same SQL always yields the same ids and state in
 * a savepoint finds its operator again.
 */

function stripTimeAttributes(rowType: RowType): RowType {
  return {
    fields: rowType.fields.map((f) =>
      f.type.timeAttribute ? { ...f, type: { ...f.type, timeAttribute: undefined } } : f,
    ),
  };
}

function connectorSpec(table: CatalogTable): ConnectorSpec {
  const physical = table.columns.filter((c) => c.kind === 'physical').map((c) => c.name);
  return {
    table: identifierText(table.identifier),
    connector: table.options.connector,
    options: { ...table.options },
    schema: stripTimeAttributes({ fields: table.schema.fields.filter((f) => physical.includes(f.name)) }),
  };
}

function operatorSpec(node: PhysicalNode): OperatorSpec {
  switch (node.kind) {
    case 'TableSourceScan':
      return { kind: 'source', connector: connectorSpec(node.table) };
    case 'Calc':
      return node.condition
        ? {
            kind: 'calc',
            projection: node.projection,
            condition: node.condition,
            outputType: stripTimeAttributes(node.rowType),
          }
        : { kind: 'calc', projection: node.projection, outputType: stripTimeAttributes(node.rowType) };
    case 'Sink':
      return { kind: 'sink', connector: connectorSpec(node.table), inputChangelogMode: node.changelogMode };
    default: {
      const never: never = node;
      return never;
    }
  }
}

export function operatorId(parts: readonly string[]): string {
  return createHash('md5').update(parts.join('\u0000')).digest('hex');
}

export function buildJobGraph(
  root: PhysicalNode,
  jobName: string,
  config: Readonly<Record<string, string>>,
): JobGraph {
  const vertices: JobVertex[] = [];
  const edges: JobEdge[] = [];
  const visit = (node: PhysicalNode): string => {
    const inputIds = physicalInputs(node).map(visit);
    const table = node.kind === 'Calc' ? '' : identifierText(node.table.identifier);
    const id = operatorId(['weir', String(vertices.length), node.kind, table, ...inputIds]);
    vertices.push({ id, name: physicalLabel(node, 'infix'), operator: operatorSpec(node) });
    for (const source of inputIds) edges.push({ source, target: id, partitioner: 'forward' });
    return id;
  };
  visit(root);
  return { version: JOB_GRAPH_VERSION, jobName, config: { ...config }, vertices, edges };
}
