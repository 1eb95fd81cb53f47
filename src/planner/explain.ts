import type { Expr } from '../common/expr.js';
import type { AggregateCallSpec, JoinType } from '../common/jobgraph.js';
import { identifierText } from './catalog/catalog.js';
import { overAggregateLabel, overWindowLabel, rankLabel, windowRankLabel } from './explain-over.js';
import {
  logicalWindowTableFunctionLabel,
  recordType,
  windowAggregateLabel,
  windowJoinLabel,
  windowTableFunctionLabel,
} from './explain-window.js';
import { type ExprStyle, formatExpr } from './format-expr.js';
import { type LogicalNode, logicalInputs } from './logical/nodes.js';
import { type PhysicalNode, physicalInputs } from './physical/nodes.js';
import { collectInputs } from './rules/watermark-project-prune.js';

/**
 * EXPLAIN in the shape of Flink's: the logical plan as bound ("Abstract Syntax Tree"), the
 * optimized physical plan in Calcite's expression form, and the execution plan in the infix form
 * that also names the JobGraph's vertices.
 */

/** Renders a tree as Flink does: `+- ` before the last input, `:- ` before the others. */
function renderTree<N>(root: N, label: (n: N) => string, inputs: (n: N) => readonly N[]): string {
  const lines: string[] = [];
  const visit = (node: N, prefix: string, connector: string, childPrefix: string) => {
    lines.push(`${prefix}${connector}${label(node)}`);
    const children = inputs(node);
    children.forEach((child, i) => {
      const last = i === children.length - 1;
      visit(child, prefix + childPrefix, last ? '+- ' : ':- ', last ? '   ' : ':  ');
    });
  };
  visit(root, '', '', '');
  return lines.join('\n');
}

const tablePath = (n: { table: { identifier: { catalog: string; database: string; name: string } } }) =>
  `[${n.table.identifier.catalog}, ${n.table.identifier.database}, ${n.table.identifier.name}]`;

function logicalLabel(node: LogicalNode): string {
  const ref = (i: number) => `$${i}`;
  switch (node.kind) {
    case 'LogicalTableScan':
      return `LogicalTableScan(table=[${tablePath(node)}])`;
    case 'LogicalWatermarkAssigner':
      return `LogicalWatermarkAssigner(rowtime=[${node.rowType.fields[node.rowtimeIndex].name}], watermark=[${formatExpr(node.watermarkExpr, ref, 'rex')}])`;
    case 'LogicalProject':
      return `LogicalProject(${node.exprs
        .map((e, i) => `${node.rowType.fields[i].name}=[${formatExpr(e, ref, 'rex')}]`)
        .join(', ')})`;
    case 'LogicalFilter':
      return `LogicalFilter(condition=[${formatExpr(node.condition, ref, 'rex')}])`;
    case 'LogicalAggregate':
      return `LogicalAggregate(${[
        `group=[{${node.groupSet.join(', ')}}]`,
        ...node.aggCalls.map((c) => `${c.name}=[${aggCallText(c, ref, 'rex')}]`),
      ].join(', ')})`;
    case 'LogicalWindowTableFunction':
      return logicalWindowTableFunctionLabel(node);
    case 'LogicalOverWindow':
      return overWindowLabel(node);
    case 'LogicalJoin':
      return `LogicalJoin(condition=[${formatExpr(node.condition, ref, 'rex')}], joinType=[${node.joinType.toLowerCase()}])`;
    case 'LogicalSnapshot':
      return `LogicalSnapshot(period=[$cor0.${node.periodName}])`;
    case 'LogicalCorrelate':
      return `LogicalCorrelate(correlation=[$cor0], joinType=[${node.joinType.toLowerCase()}], requiredColumns=[{${[
        ...collectInputs(node.collection, new Set()),
      ]
        .sort((a, b) => a - b)
        .join(', ')}}])`;
    case 'LogicalValues':
      return `LogicalValues(tuples=[${valuesText(node.tuples, 'rex')}])`;
    case 'LogicalUnion':
      return 'LogicalUnion(all=[true])';
    case 'LogicalSink':
      return `LogicalSink(table=[${identifierText(node.table.identifier)}], fields=[${node.rowType.fields.map((f) => f.name).join(', ')}])`;
    default: {
      const never: never = node;
      return never;
    }
  }
}

/** A plan tree as EXPLAIN draws it. */
interface Drawn {
  readonly label: string;
  readonly inputs: readonly Drawn[];
}

/**
 * The logical plan as Flink draws it: a join with a table `FOR SYSTEM_TIME AS OF` is Calcite's
 * LogicalCorrelate, whose right input filters the snapshot by the ON condition with the left
 * row's columns as `$cor0.name`.
 */
function drawLogical(node: LogicalNode): Drawn {
  if (node.kind === 'LogicalJoin' && node.right.kind === 'LogicalSnapshot') {
    const leftNames = node.left.rowType.fields.map((f) => f.name);
    const nL = leftNames.length;
    const required = new Set<number>();
    const corName = (i: number) => {
      if (i < nL) {
        required.add(i);
        return `$cor0.${leftNames[i]}`;
      }
      return `$${i - nL}`;
    };
    const snapshot = node.right;
    if (snapshot.period.kind === 'input') required.add(snapshot.period.index);
    const filter = `LogicalFilter(condition=[${formatExpr(node.condition, corName, 'rex')}])`;
    const columns = [...required].sort((a, b) => a - b).join(', ');
    return {
      label: `LogicalCorrelate(correlation=[$cor0], joinType=[${node.joinType.toLowerCase()}], requiredColumns=[{${columns}}])`,
      inputs: [
        drawLogical(node.left),
        { label: filter, inputs: [{ label: logicalLabel(snapshot), inputs: [drawLogical(snapshot.input)] }] },
      ],
    };
  }
  const sort = limitSort(node);
  if (sort) return { label: sort.label, inputs: [drawLogical(sort.input)] };
  if (node.kind === 'LogicalCorrelate') {
    // UNNEST: the collection, correlated with the left row, is uncollected from a one-row VALUES.
    const names = node.input.rowType.fields.map((f) => f.name);
    const collection = formatExpr(node.collection, (i) => `$cor0.${names[i]}`, 'rex');
    const name = node.collection.kind === 'input' ? names[node.collection.index] : 'EXPR$0';
    const values = { label: 'LogicalValues(tuples=[[{ 0 }]])', inputs: [] };
    const project = { label: `LogicalProject(${name}=[${collection}])`, inputs: [values] };
    return {
      label: logicalLabel(node),
      inputs: [drawLogical(node.input), { label: 'Uncollect', inputs: [project] }],
    };
  }
  return { label: logicalLabel(node), inputs: logicalInputs(node).map(drawLogical) };
}

/**
 * A LIMIT is bound as a ranking (project ← filter on the row number ← OVER window); the logical
 * plan shows it as Calcite's LogicalSort over the window's input, as Flink does.
 */
function limitSort(node: LogicalNode): { label: string; input: LogicalNode } | undefined {
  if (node.kind !== 'LogicalProject' || node.input.kind !== 'LogicalFilter') return undefined;
  const window = node.input.input;
  if (window.kind !== 'LogicalOverWindow' || !window.limit) return undefined;
  // Calcite names a null direction only where it differs from its default (ASC: last, DESC: first).
  const keys = window.orderKeys.flatMap((k, i) => [
    `sort${i}=[$${k.index}]`,
    `dir${i}=[${k.descending ? (k.nullsFirst ? 'DESC' : 'DESC-nulls-last') : k.nullsFirst ? 'ASC-nulls-first' : 'ASC'}]`,
  ]);
  const { offset, fetch } = window.limit;
  const parts = [...keys, ...(offset > 0 ? [`offset=[${offset}]`] : []), `fetch=[${fetch}]`];
  return { label: `LogicalSort(${parts.join(', ')})`, input: window.input };
}

/** VALUES rows as Calcite prints them: `[{ 1, 'a' }, { 2, 'b' }]`. */
function valuesText(tuples: readonly (readonly Expr[])[], style: ExprStyle): string {
  const noInputs = (i: number) => `$${i}`;
  return `[${tuples.map((row) => `{ ${row.map((e) => formatExpr(e, noInputs, style)).join(', ')} }`).join(', ')}]`;
}

/**
 * An aggregate call as Calcite prints it: `COUNT()` and `SUM($1)` in the logical plan ('rex'),
 * `COUNT(*)` and `SUM(price)` in the physical and execution plans.
 */
function aggCallText(c: AggregateCallSpec, name: (i: number) => string, style: 'rex' | 'named'): string {
  const args = c.args.map(name);
  if (c.separator !== undefined) args.push(`'${c.separator.replace(/'/g, "''")}'`);
  const star = style === 'named' && c.fn === 'COUNT' && c.args.length === 0 ? '*' : '';
  const text = `${c.sum0 ? '$SUM0' : c.fn}(${c.distinct ? 'DISTINCT ' : ''}${star}${args.join(', ')})`;
  return c.filterArg === undefined ? text : `${text} FILTER ${name(c.filterArg)}`;
}

/** Flink's names of an aggregate call's accumulator fields (its aggBufferAttributes). */
const PARTIAL_NAMES: Readonly<Record<AggregateCallSpec['fn'], readonly string[]>> = {
  COUNT: ['count'],
  SUM: ['sum'],
  AVG: ['sum', 'count'],
  MIN: ['min'],
  MAX: ['max'],
  FIRST_VALUE: ['first_value'],
  LAST_VALUE: ['last_value'],
  LISTAGG: ['listagg'],
};

/**
 * The partial results of a two-phase aggregation as Flink names them, numbered across all calls:
 * `count$0`, `count1$0` for COUNT(*), `(sum$1, count$2)` for AVG; and, over a changelog, the
 * row count Flink adds (`count1$n`) and its index.
 */
function partialFields(
  calls: readonly AggregateCallSpec[],
  needRetraction: boolean,
): { perCall: string[]; countStar?: { name: string; index: number } } {
  let n = 0;
  const perCall = calls.map((c) => {
    const names = c.fn === 'COUNT' && c.args.length === 0 ? ['count1'] : PARTIAL_NAMES[c.fn];
    const fields = names.map((name) => `${name}$${n++}`);
    return fields.length === 1 ? fields[0] : `(${fields.join(', ')})`;
  });
  return needRetraction ? { perCall, countStar: { name: `count1$${n}`, index: calls.length } } : { perCall };
}

/** Flink's FlinkJoinType names, as its Join node prints them. */
const JOIN_TYPE_NAMES: Readonly<Record<JoinType, string>> = {
  INNER: 'InnerJoin',
  LEFT: 'LeftOuterJoin',
  RIGHT: 'RightOuterJoin',
  FULL: 'FullOuterJoin',
  SEMI: 'LeftSemiJoin',
  ANTI: 'LeftAntiJoin',
};

/** A physical node as one line, e.g. `Calc(select=[a, UPPER(b) AS EXPR$1], where=[(a > 10)])`. */
export function physicalLabel(node: PhysicalNode, style: ExprStyle, changelog = false): string {
  let text: string;
  switch (node.kind) {
    case 'TableSourceScan':
      text = `TableSourceScan(table=[${tablePath(node)}], fields=[${node.rowType.fields.map((f) => f.name).join(', ')}]`;
      break;
    case 'WatermarkAssigner': {
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      text = `WatermarkAssigner(rowtime=[${inputNames[node.rowtimeIndex]}], watermark=[${formatExpr(node.watermarkExpr, (i) => inputNames[i], style)}]`;
      break;
    }
    case 'Calc': {
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      const name = (i: number) => inputNames[i];
      const select = node.projection.map((e, i) => {
        const out = node.rowType.fields[i].name;
        return e.kind === 'input' && inputNames[e.index] === out
          ? out
          : `${formatExpr(e, name, style)} AS ${out}`;
      });
      text = `Calc(select=[${select.join(', ')}]${node.condition ? `, where=[${formatExpr(node.condition, name, style)}]` : ''}`;
      break;
    }
    case 'Exchange':
      text = `Exchange(distribution=[${
        node.distribution.kind === 'hash'
          ? `hash[${node.distribution.keys.map((k) => node.input.rowType.fields[k].name).join(', ')}]`
          : 'single'
      }]`;
      break;
    case 'GroupAggregate': {
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      const keys = node.grouping.map((k) => inputNames[k]);
      const calls = node.aggCalls.map((c) => `${aggCallText(c, (i) => inputNames[i], 'named')} AS ${c.name}`);
      text = `GroupAggregate(${keys.length > 0 ? `groupBy=[${keys.join(', ')}], ` : ''}${
        node.partialFinalType ? `partialFinalType=[${node.partialFinalType}], ` : ''
      }select=[${[...keys, ...calls].join(', ')}]`;
      break;
    }
    case 'MiniBatchAssigner':
      text = `MiniBatchAssigner(interval=[${node.intervalMs}ms], mode=[ProcTime]`;
      break;
    case 'LocalGroupAggregate': {
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      const keys = node.grouping.map((k) => inputNames[k]);
      const partial = partialFields(node.aggCalls, node.needRetraction);
      const calls = node.aggCalls.map(
        (c, i) => `${aggCallText(c, (f) => inputNames[f], 'named')} AS ${partial.perCall[i]}`,
      );
      if (partial.countStar) calls.push(`COUNT_RETRACT(*) AS ${partial.countStar.name}`);
      text = `LocalGroupAggregate(${keys.length > 0 ? `groupBy=[${keys.join(', ')}], ` : ''}select=[${[...keys, ...calls].join(', ')}]`;
      break;
    }
    case 'GlobalGroupAggregate': {
      const local = node.local;
      const keys = node.rowType.fields.slice(0, local.grouping.length).map((f) => f.name);
      const partial = partialFields(local.aggCalls, local.needRetraction);
      const calls = local.aggCalls.map(
        (c, i) =>
          `${c.sum0 ? '$SUM0' : c.fn}(${c.distinct ? 'DISTINCT ' : ''}${partial.perCall[i]}) AS ${node.rowType.fields[keys.length + i].name}`,
      );
      text = `GlobalGroupAggregate(${keys.length > 0 ? `groupBy=[${keys.join(', ')}], ` : ''}select=[${[...keys, ...calls].join(', ')}]${
        partial.countStar ? `, indexOfCountStar=[${partial.countStar.index}]` : ''
      }`;
      break;
    }
    case 'WindowAggregate':
    case 'GroupWindowAggregate':
      text = windowAggregateLabel(node, (c, name) => aggCallText(c, name, 'named'), style);
      break;
    case 'WindowTableFunction':
      text = windowTableFunctionLabel(node);
      break;
    case 'Rank':
    case 'Deduplicate':
      text = rankLabel(node);
      break;
    case 'WindowRank':
      text = windowRankLabel(node);
      break;
    case 'OverAggregate':
      text = overAggregateLabel(node, (c, name) => aggCallText(c, name, 'named'));
      break;
    case 'Join': {
      const names = node.rowType.fields.map((f) => f.name);
      // A semi/anti join outputs the left row only; its condition is over the left row, then the right.
      const semi = node.joinType === 'SEMI' || node.joinType === 'ANTI';
      const condNames = semi
        ? [...node.left.rowType.fields, ...node.right.rowType.fields].map((f) => f.name)
        : names;
      text = `Join(joinType=[${JOIN_TYPE_NAMES[node.joinType]}], where=[${formatExpr(node.condition, (i) => condNames[i], style)}], select=[${names.join(', ')}], leftInputSpec=[${node.leftInputSpec}], rightInputSpec=[${node.rightInputSpec}]`;
      break;
    }
    case 'IntervalJoin': {
      const names = node.rowType.fields.map((f) => f.name);
      text = `IntervalJoin(joinType=[${JOIN_TYPE_NAMES[node.joinType]}], windowBounds=[isRowTime=true, leftLowerBound=${node.leftLowerBound}, leftUpperBound=${node.leftUpperBound}, leftTimeIndex=${node.leftTimeIndex}, rightTimeIndex=${node.rightTimeIndex}], where=[${formatExpr(node.condition, (i) => names[i], style)}], select=[${names.join(', ')}]`;
      break;
    }
    case 'WindowJoin':
      text = windowJoinLabel(node, JOIN_TYPE_NAMES[node.joinType], style);
      break;
    case 'LookupJoin': {
      const names = node.rowType.fields.map((f) => f.name);
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      const tableNames = node.tableType.fields.map((f) => f.name);
      const name = (i: number) => names[i];
      const lookup = node.keys.map(
        (k) =>
          `${tableNames[k.tableField]}=${k.kind === 'field' ? inputNames[k.inputField] : formatExpr(k.value, name, style)}`,
      );
      text = `LookupJoin(table=[${identifierText(node.table.identifier)}], joinType=[${JOIN_TYPE_NAMES[node.joinType]}], lookup=[${lookup.join(', ')}]${
        node.where ? `, where=[${formatExpr(node.where, name, style)}]` : ''
      }${node.joinCondition ? `, joinCondition=[${formatExpr(node.joinCondition, name, style)}]` : ''}, select=[${names.join(', ')}]`;
      break;
    }
    case 'TemporalJoin': {
      const names = node.rowType.fields.map((f) => f.name);
      text = `TemporalJoin(joinType=[${JOIN_TYPE_NAMES[node.joinType]}], where=[${formatExpr(node.condition, (i) => names[i], style)}], select=[${names.join(', ')}]`;
      break;
    }
    case 'Correlate': {
      const inputNames = node.input.rowType.fields.map((f) => f.name);
      const invocation = `$UNNEST_ROWS$1(${formatExpr(node.collection, (i) => `$cor0.${inputNames[i]}`, style)})`;
      text = `Correlate(invocation=[${invocation}], correlate=[table(${invocation})], select=[${node.rowType.fields
        .map((f) => f.name)
        .join(',')}], rowType=[${recordType(node.rowType)}], joinType=[${node.joinType}]`;
      break;
    }
    case 'Values':
      text = `Values(tuples=[${valuesText(node.tuples, style)}]`;
      break;
    case 'Union':
      text = `Union(all=[true], union=[${node.rowType.fields.map((f) => f.name).join(', ')}]`;
      break;
    case 'ChangelogNormalize':
      text = `ChangelogNormalize(key=[${node.keys.map((k) => node.rowType.fields[k].name).join(', ')}]`;
      break;
    case 'Sink':
      text = `Sink(table=[${identifierText(node.table.identifier)}], fields=[${node.rowType.fields.map((f) => f.name).join(', ')}]${
        node.upsertMaterialize ? ', upsertMaterialize=[true]' : ''
      }`;
      break;
    default: {
      const never: never = node;
      return never;
    }
  }
  if (changelog) text += `, changelogMode=[${node.kind === 'Sink' ? 'NONE' : node.changelogMode.join(',')}]`;
  return `${text})`;
}

export interface ExplainDetails {
  /** EXPLAIN CHANGELOG_MODE: show what each physical node emits. */
  readonly changelogMode?: boolean;
}

export function explainPlan(
  logical: LogicalNode,
  physical: PhysicalNode,
  details: ExplainDetails = {},
): string {
  return [
    '== Abstract Syntax Tree ==',
    renderTree(
      drawLogical(logical),
      (d) => d.label,
      (d) => d.inputs,
    ),
    '',
    '== Optimized Physical Plan ==',
    renderTree(physical, (n) => physicalLabel(n, 'rex', details.changelogMode), physicalInputs),
    '',
    '== Optimized Execution Plan ==',
    renderTree(physical, (n) => physicalLabel(n, 'infix'), physicalInputs),
    '',
  ].join('\n');
}
