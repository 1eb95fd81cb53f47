import type { Configuration } from '../../common/config.js';
import { call, inputRef, literal } from '../../common/expr.js';
import type { AggregateCallSpec } from '../../common/jobgraph.js';
import { DISTINCT_AGG_SPLIT_BUCKET_NUM, DISTINCT_AGG_SPLIT_ENABLED } from '../../common/options.js';
import { Types } from '../../common/types.js';
import { groupAggregateChangelog } from './convert.js';
import { type PhysicalGroupAggregate, type PhysicalNode, physicalInputs, withInputs } from './nodes.js';

/**
 * 'table.optimizer.distinct-agg.split.enabled' (Flink's SplitAggregateRule): a DISTINCT aggregation
 * whose distinct values are skewed onto few groups is split in two levels. The PARTIAL level groups
 * by the keys and a bucket of the distinct value, `MOD(HASH_CODE(value), bucket-num)`, so one hot
 * group's distinct values are spread over many subtasks; each value lands in exactly one bucket, so
 * the FINAL level, grouped by the keys, adds the buckets' results up: counts with $SUM0, sums with
 * SUM, MIN of MINs, MAX of MAXs.
 *
 * Split when every call is COUNT, SUM, MIN or MAX without FILTER and the DISTINCT ones all take
 * the same single column; otherwise (AVG, FIRST_VALUE, LISTAGG …, several distinct columns) the
 * aggregation stays one GroupAggregate — Flink splits some of those too.
 */
export function splitDistinctAggregates(root: PhysicalNode, config?: Configuration): PhysicalNode {
  if (!config?.get(DISTINCT_AGG_SPLIT_ENABLED)) return root;
  const buckets = config.get(DISTINCT_AGG_SPLIT_BUCKET_NUM) ?? 1024;
  const visit = (node: PhysicalNode): PhysicalNode => {
    const current = withInputs(node, physicalInputs(node).map(visit));
    if (current.kind !== 'GroupAggregate' || current.input.kind !== 'Exchange') return current;
    const distinctArg = splittable(current.aggCalls);
    return distinctArg === undefined ? current : split(current, current.input.input, distinctArg, buckets);
  };
  return visit(root);
}

/** The one column the DISTINCT calls take, when the calls can be split; else undefined. */
function splittable(calls: readonly AggregateCallSpec[]): number | undefined {
  const distinct = calls.filter((c) => c.distinct);
  if (distinct.length === 0) return undefined;
  const arg = distinct[0].args[0];
  const ok = calls.every(
    (c) =>
      (c.fn === 'COUNT' || c.fn === 'SUM' || c.fn === 'MIN' || c.fn === 'MAX') &&
      c.filterArg === undefined &&
      !c.sum0 &&
      (!c.distinct || (c.args.length === 1 && c.args[0] === arg)),
  );
  return ok && arg !== undefined ? arg : undefined;
}

function split(
  agg: PhysicalGroupAggregate,
  input: PhysicalNode,
  distinctArg: number,
  buckets: number,
): PhysicalNode {
  const fields = input.rowType.fields;
  const n = fields.length;
  const argType = fields[distinctArg].type;
  const hash = call('HASH_CODE', [inputRef(distinctArg, argType)], Types.INT(argType.nullable));
  const bucketType = Types.INT(argType.nullable);
  const bucket = call('MOD', [hash, literal(buckets, Types.INT(false))], bucketType);
  const bucketName = `$f${n}`;
  const withBucket: PhysicalNode = {
    kind: 'Calc',
    input,
    projection: [...fields.map((f, i) => inputRef(i, f.type)), bucket],
    rowType: { fields: [...fields, { name: bucketName, type: bucketType }] },
    changelogMode: input.changelogMode,
  };
  const partialKeys = [...agg.grouping, n];
  const partialCalls = agg.aggCalls.map((c, i) => ({ ...c, name: `${bucketName}_${i}` }));
  const partialType = {
    fields: [
      ...agg.grouping.map((g) => fields[g]),
      { name: bucketName, type: bucketType },
      ...partialCalls.map((c) => ({ name: c.name, type: c.type })),
    ],
  };
  const partialChangelog = groupAggregateChangelog(input.changelogMode, true);
  const partial: PhysicalGroupAggregate = {
    kind: 'GroupAggregate',
    input: {
      kind: 'Exchange',
      input: withBucket,
      distribution: { kind: 'hash', keys: partialKeys },
      rowType: withBucket.rowType,
      changelogMode: withBucket.changelogMode,
    },
    grouping: partialKeys,
    aggCalls: partialCalls,
    generateUpdateBefore: true,
    partialFinalType: 'PARTIAL',
    rowType: partialType,
    changelogMode: partialChangelog,
  };
  const keyCount = agg.grouping.length;
  const finalCalls: AggregateCallSpec[] = agg.aggCalls.map((c, i) => ({
    fn: c.fn === 'COUNT' ? 'SUM' : c.fn,
    args: [keyCount + 1 + i],
    distinct: false,
    type: c.type,
    name: c.name,
    ...(c.fn === 'COUNT' ? { sum0: true } : {}),
  }));
  const finalKeys = agg.grouping.map((_, i) => i);
  return {
    ...agg,
    input: {
      kind: 'Exchange',
      input: partial,
      distribution: finalKeys.length > 0 ? { kind: 'hash', keys: finalKeys } : { kind: 'single' },
      rowType: partialType,
      changelogMode: partialChangelog,
    },
    grouping: finalKeys,
    aggCalls: finalCalls,
    partialFinalType: 'FINAL',
    changelogMode: groupAggregateChangelog(partialChangelog, true),
  };
}
