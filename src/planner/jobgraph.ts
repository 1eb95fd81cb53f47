import { createHash } from 'node:crypto';
import {
  type ConnectorSpec,
  JOB_GRAPH_VERSION,
  type JobEdge,
  type JobGraph,
  type JobVertex,
  type OperatorSpec,
  type Partitioner,
  slicesWindows,
} from '../common/jobgraph.js';
import type { RowType } from '../common/types.js';
import { type CatalogTable, identifierText } from './catalog/catalog.js';
import { physicalLabel } from './explain.js';
import { changelogModeOf, isInsertOnly } from './physical/changelog.js';
import {
  type PhysicalExchange,
  type PhysicalIntervalJoin,
  type PhysicalJoin,
  type PhysicalNode,
  type PhysicalTemporalJoin,
  type PhysicalWindowJoin,
  physicalInputs,
} from './physical/nodes.js';

/**
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

/** The table as its connector (`identifier`: the descriptor planned with, also for legacy DDL) sees it. */
function connectorSpec(table: CatalogTable, identifier: string): ConnectorSpec {
  const physical = table.columns.filter((c) => c.kind === 'physical').map((c) => c.name);
  return {
    table: identifierText(table.identifier),
    connector: identifier,
    options: { ...table.options },
    schema: stripTimeAttributes({ fields: table.schema.fields.filter((f) => physical.includes(f.name)) }),
    ...(table.primaryKey ? { primaryKey: table.primaryKey.columns } : {}),
    ...(table.partitionKeys.length > 0 ? { partitionKeys: table.partitionKeys } : {}),
  };
}

/**
 * A partitioned filesystem table with a partition commit policy gets Flink's PartitionCommitter
 * after its writers: only a single task that hears from every writer can tell that a partition is
 * complete.
 */
function needsPartitionCommitter(node: PhysicalNode): CatalogTable | undefined {
  if (node.kind !== 'Sink') return undefined;
  const table = node.table;
  return table.options.connector === 'filesystem' &&
    table.partitionKeys.length > 0 &&
    table.options['sink.partition-commit.policy.kind'] !== undefined
    ? table
    : undefined;
}

/** The vertex a physical node becomes; an Exchange becomes an edge instead and has none. */
function operatorSpec(node: Exclude<PhysicalNode, PhysicalExchange>): OperatorSpec {
  switch (node.kind) {
    case 'TableSourceScan':
      return { kind: 'source', connector: connectorSpec(node.table, node.connector.identifier) };
    case 'WatermarkAssigner':
      return {
        kind: 'watermark-assigner',
        rowtimeIndex: node.rowtimeIndex,
        watermarkExpr: node.watermarkExpr,
      };
    case 'Calc':
      return node.condition
        ? {
            kind: 'calc',
            projection: node.projection,
            condition: node.condition,
            outputType: stripTimeAttributes(node.rowType),
          }
        : { kind: 'calc', projection: node.projection, outputType: stripTimeAttributes(node.rowType) };
    case 'GroupAggregate':
      return {
        kind: 'group-aggregate',
        grouping: node.grouping,
        aggCalls: node.aggCalls,
        inputType: stripTimeAttributes(node.input.rowType),
        outputType: stripTimeAttributes(node.rowType),
        inputInsertOnly: isInsertOnly(node.input.changelogMode),
        generateUpdateBefore: node.generateUpdateBefore,
        ...(node.miniBatch ? { miniBatch: node.miniBatch } : {}),
      };
    case 'MiniBatchAssigner':
      return { kind: 'mini-batch-assigner', intervalMs: node.intervalMs };
    case 'LocalGroupAggregate':
      return {
        kind: 'local-group-aggregate',
        grouping: node.grouping,
        aggCalls: node.aggCalls,
        inputType: stripTimeAttributes(node.input.rowType),
        inputInsertOnly: !node.needRetraction,
        miniBatch: node.miniBatch,
      };
    case 'GlobalGroupAggregate':
      return {
        kind: 'global-group-aggregate',
        keyCount: node.local.grouping.length,
        aggCalls: node.local.aggCalls,
        localInputType: stripTimeAttributes(node.local.input.rowType),
        inputInsertOnly: !node.local.needRetraction,
        generateUpdateBefore: node.generateUpdateBefore,
        outputType: stripTimeAttributes(node.rowType),
        miniBatch: node.miniBatch,
      };
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
      return {
        kind: 'window-aggregate',
        window: node.window,
        timeDomain: node.timeDomain,
        timeIndex: node.timeIndex,
        grouping: node.grouping,
        aggCalls: node.aggCalls,
        properties: node.properties,
        inputType: stripTimeAttributes(node.input.rowType),
        outputType: stripTimeAttributes(node.rowType),
        ...(slicesWindows(node.window, node.aggCalls) ? { slicing: true as const } : {}),
      };
    case 'WindowTableFunction':
      return {
        kind: 'window-table-function',
        window: node.window,
        timeDomain: node.timeDomain,
        timeIndex: node.timeIndex,
      };
    case 'Rank':
      return {
        kind: 'rank',
        partitionKeys: node.partitionKeys,
        orderKeys: node.orderKeys,
        rankStart: node.rankStart,
        rankEnd: node.rankEnd,
        outputRankNumber: node.outputRankNumber,
        inputInsertOnly: node.strategy === 'AppendFastStrategy',
        generateUpdateBefore: node.generateUpdateBefore,
        inputType: stripTimeAttributes(node.input.rowType),
      };
    case 'WindowRank':
      return {
        kind: 'window-rank',
        partitionKeys: node.partitionKeys,
        orderKeys: node.orderKeys,
        rankStart: node.rankStart,
        rankEnd: node.rankEnd,
        outputRankNumber: node.outputRankNumber,
        windowStartIndex: node.window.startIndex,
        windowEndIndex: node.window.endIndex,
        timeDomain: node.timeDomain,
        keepLastRow: node.keep === 'LastRow',
      };
    case 'Deduplicate':
      return {
        kind: 'deduplicate',
        keys: node.keys,
        keepLastRow: node.keepLastRow,
        ...(node.rowtimeIndex !== undefined ? { rowtimeIndex: node.rowtimeIndex } : {}),
        generateUpdateBefore: node.generateUpdateBefore,
      };
    case 'OverAggregate':
      return {
        kind: 'over-aggregate',
        partitionKeys: node.partitionKeys,
        orderIndex: node.orderIndex,
        rowtime: node.rowtime,
        unit: node.unit,
        ...(node.preceding !== undefined ? { preceding: node.preceding } : {}),
        aggCalls: node.aggCalls,
        ...(node.retractable ? { retractable: node.retractable } : {}),
        inputType: stripTimeAttributes(node.input.rowType),
      };
    case 'Join':
      return {
        kind: 'join',
        joinType: node.joinType,
        leftInputInsertOnly: isInsertOnly(node.left.changelogMode),
        rightInputInsertOnly: isInsertOnly(node.right.changelogMode),
        leftKeys: node.leftKeys,
        rightKeys: node.rightKeys,
        filterNulls: node.leftKeys.map(() => true),
        ...(node.nonEquiCondition ? { nonEquiCondition: node.nonEquiCondition } : {}),
        leftType: stripTimeAttributes(node.left.rowType),
        rightType: stripTimeAttributes(node.right.rowType),
        outputType: stripTimeAttributes(node.rowType),
      };
    case 'IntervalJoin':
      return {
        kind: 'interval-join',
        joinType: node.joinType,
        leftKeys: node.leftKeys,
        rightKeys: node.rightKeys,
        filterNulls: node.leftKeys.map(() => true),
        leftTimeIndex: node.leftTimeIndex,
        rightTimeIndex: node.rightTimeIndex,
        lowerBound: node.leftLowerBound,
        upperBound: node.leftUpperBound,
        ...(node.nonEquiCondition ? { nonEquiCondition: node.nonEquiCondition } : {}),
        leftType: stripTimeAttributes(node.left.rowType),
        rightType: stripTimeAttributes(node.right.rowType),
        outputType: stripTimeAttributes(node.rowType),
      };
    case 'WindowJoin':
      return {
        kind: 'window-join',
        joinType: node.joinType,
        leftKeys: node.leftKeys,
        rightKeys: node.rightKeys,
        filterNulls: node.leftKeys.map(() => true),
        leftWindowStartIndex: node.leftWindow.startIndex,
        leftWindowEndIndex: node.leftWindow.endIndex,
        rightWindowStartIndex: node.rightWindow.startIndex,
        rightWindowEndIndex: node.rightWindow.endIndex,
        ...(node.nonEquiCondition ? { nonEquiCondition: node.nonEquiCondition } : {}),
        leftType: stripTimeAttributes(node.left.rowType),
        rightType: stripTimeAttributes(node.right.rowType),
        outputType: stripTimeAttributes(node.rowType),
      };
    case 'Correlate': {
      const type = node.collection.type;
      const element = type.element;
      return {
        kind: 'correlate',
        collection: node.collection,
        collectionKind: type.root as 'ARRAY' | 'MULTISET' | 'MAP',
        ...(type.root !== 'MAP' && element?.root === 'ROW' ? { rowFields: element.fields?.length ?? 0 } : {}),
        joinType: node.joinType,
        outputType: stripTimeAttributes(node.rowType),
      };
    }
    case 'LookupJoin':
      return {
        kind: 'lookup-join',
        joinType: node.joinType,
        table: connectorSpec(node.table, node.connector.identifier),
        keys: node.keys,
        ...(node.where || node.joinCondition
          ? {
              condition:
                node.where && node.joinCondition
                  ? { kind: 'call', fn: 'AND', args: [node.where, node.joinCondition], type: node.where.type }
                  : (node.where ?? node.joinCondition)!,
            }
          : {}),
        inputType: stripTimeAttributes(node.input.rowType),
        outputType: stripTimeAttributes(node.rowType),
      };
    case 'TemporalJoin':
      return {
        kind: 'temporal-join',
        joinType: node.joinType,
        leftKeys: node.leftKeys,
        rightKeys: node.rightKeys,
        leftTimeIndex: node.leftTimeIndex,
        rightTimeIndex: node.rightTimeIndex,
        ...(node.nonEquiCondition ? { nonEquiCondition: node.nonEquiCondition } : {}),
        leftType: stripTimeAttributes(node.left.rowType),
        rightType: stripTimeAttributes(node.right.rowType),
        outputType: stripTimeAttributes(node.rowType),
      };
    case 'Values':
      return { kind: 'values', tuples: node.tuples, outputType: stripTimeAttributes(node.rowType) };
    case 'Union':
      return { kind: 'union' };
    case 'ChangelogNormalize':
      return {
        kind: 'changelog-normalize',
        keys: node.keys,
        generateUpdateBefore: node.generateUpdateBefore,
      };
    case 'Sink': {
      const spec = connectorSpec(node.table, node.connector.identifier);
      const notNullColumns = spec.schema.fields.flatMap((f, index) =>
        !f.type.nullable && node.rowType.fields[index]?.type.nullable ? [{ index, name: f.name }] : [],
      );
      return {
        kind: 'sink',
        connector: spec,
        inputChangelogMode: changelogModeOf(node.changelogMode),
        ...(notNullColumns.length > 0 ? { notNullColumns } : {}),
      };
    }
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** The joins whose vertex has two inputs, each keyed by its side's join keys. */
const isTwoInputJoin = (
  node: PhysicalNode,
): node is PhysicalJoin | PhysicalIntervalJoin | PhysicalWindowJoin | PhysicalTemporalJoin =>
  node.kind === 'Join' ||
  node.kind === 'IntervalJoin' ||
  node.kind === 'WindowJoin' ||
  node.kind === 'TemporalJoin';

/** The fields a keyed vertex is partitioned by; an empty list runs it at parallelism 1 behind a global edge. */
function keyedFields(node: PhysicalNode): readonly number[] | undefined {
  switch (node.kind) {
    case 'GroupAggregate':
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
      return node.grouping;
    case 'GlobalGroupAggregate':
      return node.local.grouping.map((_, i) => i);
    case 'Rank':
    case 'WindowRank':
      return node.partitionKeys;
    case 'Deduplicate':
    case 'ChangelogNormalize':
      return node.keys;
    case 'OverAggregate':
      return node.partitionKeys;
    default:
      return undefined;
  }
}

/**
 * What a keyed operator keeps in its state, as part of its id: its specification without column
 * names. A savepoint then restores after a renamed column or an added filter, but state kept for
 * another grouping, other aggregate functions or another join condition fails the restore as
 * unmatched, rather than being read as if it were this operator's.
 */
function stateSignature(operator: OperatorSpec): string {
  return JSON.stringify(operator, (key, value) =>
    key === 'name' ? undefined : typeof value === 'bigint' ? `${value}n` : value,
  );
}

export function operatorId(parts: readonly string[]): string {
  return createHash('md5').update(parts.join('\u0000')).digest('hex');
}

/** Where a node's output comes from, as seen by its consumer: a vertex, and the edge to take from it. */
interface Upstream {
  readonly id: string;
  readonly partitioner: Partitioner;
  readonly keys?: readonly number[];
  readonly parallelism?: number;
}

/**
 * The physical plan as the runtime's JobGraph: one vertex per physical node, forward edges except
 * where an Exchange asks for a hash or global one. A GroupAggregate is keyed by its grouping
 * fields; without any (a global aggregation) it runs at parallelism 1, as in Flink, and so does
 * what it forwards to, so its changelog reaches the sink in order.
 *
 * With `reuseSource` (Flink's `table.optimizer.reuse-source-enabled`), scans of one table with the
 * same connector spec become one source vertex with an edge to each consumer: the table is read,
 * and every record deserialized, once rather than once per reference.
 */
export function buildJobGraph(
  roots: PhysicalNode | readonly PhysicalNode[],
  jobName: string,
  config: Readonly<Record<string, string>>,
  options: { readonly reuseSource?: boolean } = {},
): JobGraph {
  const vertices: JobVertex[] = [];
  const edges: JobEdge[] = [];
  const sources = new Map<string, Upstream>();
  const visit = (node: PhysicalNode): Upstream => {
    if (node.kind === 'TableSourceScan' && options.reuseSource) {
      const spec = JSON.stringify(operatorSpec(node));
      const known = sources.get(spec);
      if (known) return known;
      const upstream = visitNode(node);
      sources.set(spec, upstream);
      return upstream;
    }
    return visitNode(node);
  };
  const visitNode = (node: PhysicalNode): Upstream => {
    if (node.kind === 'Exchange') {
      const upstream = visit(node.input);
      return node.distribution.kind === 'hash'
        ? { id: upstream.id, partitioner: 'hash', keys: node.distribution.keys }
        : { id: upstream.id, partitioner: 'global' };
    }
    let inputs = physicalInputs(node).map(visit);
    if (node.kind === 'Sink' && node.upsertMaterialize)
      inputs = [materializer(node, node.upsertMaterialize, inputs[0])];
    const table =
      node.kind === 'TableSourceScan' || node.kind === 'Sink' || node.kind === 'LookupJoin'
        ? identifierText(node.table.identifier)
        : '';
    const keyFields = keyedFields(node);
    const isJoin = isTwoInputJoin(node);
    const operator = operatorSpec(node);
    const id = operatorId([
      'weir',
      String(vertices.length),
      node.kind,
      table,
      ...inputs.map((i) => i.id),
      ...(keyFields !== undefined || isJoin ? [stateSignature(operator)] : []),
    ]);
    let parallelism: number | undefined;
    if (keyFields?.length === 0) parallelism = 1;
    else if (node.kind === 'Values') parallelism = 1;
    // A join without keys sees every row of both sides in one subtask, as in Flink.
    else if (isTwoInputJoin(node) && node.kind !== 'TemporalJoin' && node.leftKeys.length === 0)
      parallelism = 1;
    else if (node.kind === 'Union') {
      // Inputs of one parallelism are forwarded; otherwise the union runs at the default
      // parallelism and an input of parallelism 1 goes to its first subtask (a global edge),
      // which keeps that input's changes in order.
      const forwarded = inputs.filter((i) => i.partitioner === 'forward');
      const same = forwarded.length > 0 && forwarded.every((i) => i.parallelism === forwarded[0].parallelism);
      parallelism = same && forwarded.length === inputs.length ? forwarded[0].parallelism : undefined;
      inputs = inputs.map((i) =>
        i.partitioner === 'forward' && i.parallelism !== parallelism
          ? { ...i, partitioner: i.parallelism === 1 ? 'global' : 'rebalance' }
          : i,
      );
    } else if (inputs.length > 0 && inputs.every((i) => i.partitioner === 'forward'))
      parallelism = inputs[0].parallelism;
    vertices.push({
      id,
      name: physicalLabel(node, 'infix'),
      ...(parallelism !== undefined ? { parallelism } : {}),
      ...(keyFields ? { keyed: { fields: keyFields } } : {}),
      ...(isJoin ? { keyed: { fields: node.leftKeys, secondInputFields: node.rightKeys } } : {}),
      operator,
    });
    inputs.forEach((input, inputIndex) => {
      edges.push({
        source: input.id,
        target: id,
        partitioner: input.partitioner,
        ...(input.keys ? { keys: input.keys } : {}),
        // A two-input operator's second input (a join's right side); a union's inputs are all one.
        ...(isTwoInputJoin(node) && inputIndex > 0 ? { inputIndex } : {}),
      });
    });
    return { id, partitioner: 'forward', parallelism };
  };
  /**
   * Flink's SinkUpsertMaterializer: a vertex keyed by the sink's primary key behind a hash edge on
   * it, forwarding to the sink's writers (chained to them).
   */
  const materializer = (
    sink: PhysicalNode & { kind: 'Sink' },
    keys: readonly number[],
    input: Upstream,
  ): Upstream => {
    const table = identifierText(sink.table.identifier);
    const id = operatorId(['weir', String(vertices.length), 'SinkUpsertMaterializer', table, input.id]);
    const names = sink.rowType.fields.map((f) => f.name);
    vertices.push({
      id,
      name: `SinkMaterializer(pk=[${keys.map((k) => names[k]).join(', ')}])`,
      keyed: { fields: keys },
      operator: { kind: 'sink-upsert-materializer', keys },
    });
    edges.push({ source: input.id, target: id, partitioner: 'hash', keys });
    return { id, partitioner: 'forward' };
  };
  // Vertex ids count vertices in visiting order, so a statement set's first INSERT has the ids it has alone.
  for (const root of Array.isArray(roots) ? roots : [roots as PhysicalNode]) {
    const sink = visit(root);
    const table = needsPartitionCommitter(root);
    if (!table) continue;
    const id = operatorId(['weir', String(vertices.length), 'PartitionCommitter', sink.id]);
    vertices.push({
      id,
      name: `PartitionCommitter(table=[${identifierText(table.identifier)}])`,
      parallelism: 1,
      operator: { kind: 'sink-committer', connector: connectorSpec(table, table.options.connector) },
    });
    edges.push({ source: sink.id, target: id, partitioner: 'global' });
  }
  return { version: JOB_GRAPH_VERSION, jobName, config: { ...config }, vertices, edges };
}
