import type { Configuration } from '../common/config.js';
import type { JobGraph } from '../common/jobgraph.js';
import { PIPELINE_NAME, REUSE_SOURCE } from '../common/options.js';
import { bindInsert } from './binder/insert.js';
import { type BinderContext, QueryBinder } from './binder/query.js';
import { identifierText } from './catalog/catalog.js';
import { bindSelect, COLLECT_CONNECTOR } from './collect.js';
import { buildJobGraph } from './jobgraph.js';
import type { LogicalNode } from './logical/nodes.js';
import type * as A from './parser/ast.js';
import type { ScriptSource } from './parser/index.js';
import { toPhysical } from './physical/convert.js';
import { applyMiniBatch } from './physical/mini-batch.js';
import type { PhysicalNode } from './physical/nodes.js';
import { checkSinkChangelog } from './physical/sink-check.js';
import { splitDistinctAggregates } from './physical/split-distinct.js';
import { inferUpdateBefore } from './physical/update-before.js';
import { optimize } from './rules/index.js';

/** The stages of planning one statement, kept for EXPLAIN. */
export interface Plan {
  readonly logical: LogicalNode;
  readonly physical: PhysicalNode;
}

/**
 * Logical to physical: conversion, the distinct-aggregate split, the rules, the changelog inference (with the sink's upsert
 * materializer), then mini-batch and two-phase aggregation, which only rewrite aggregations.
 */
function physicalPlan(logical: LogicalNode, ctx: BinderContext): PhysicalNode {
  const physical = optimize(splitDistinctAggregates(toPhysical(logical), ctx.config));
  return applyMiniBatch(inferUpdateBefore(physical, ctx.config), ctx.config);
}

export function planInsert(insert: A.Insert, ctx: BinderContext): Plan {
  const logical = bindInsert(insert, ctx);
  const physical = physicalPlan(logical, ctx);
  if (physical.kind === 'Sink') checkSinkChangelog(physical, insert.table.pos);
  return { logical, physical };
}

/** A bare SELECT: the query into the collect sink, whose rows the client shows. */
export function planSelect(query: A.Query, ctx: BinderContext, source: ScriptSource, pos: A.Pos): Plan {
  const logical = bindSelect(query, ctx, source, pos);
  return { logical, physical: physicalPlan(logical, ctx) };
}

export function planQuery(query: A.Query, ctx: BinderContext): Plan {
  const logical = new QueryBinder(ctx).bindQuery(query).node;
  return { logical, physical: physicalPlan(logical, ctx) };
}

/**
 * The JobGraph of one or more planned statements (several: a statement set, run as one job). The
 * default job name is Flink's: `insert-into_<catalog>.<database>.<table>[,<next sink>…]`.
 */
export function jobGraphOf(plans: Plan | readonly Plan[], config: Configuration): JobGraph {
  const sinks = (Array.isArray(plans) ? plans : [plans as Plan]).map((p) => p.physical);
  const sinkName = (sink: PhysicalNode) =>
    sink.kind !== 'Sink'
      ? 'weir-job'
      : sink.table.options.connector === COLLECT_CONNECTOR
        ? 'collect'
        : identifierText(sink.table.identifier);
  const names = sinks.map(sinkName);
  const name =
    config.get(PIPELINE_NAME) ??
    (names.length === 1 && (names[0] === 'collect' || names[0] === 'weir-job')
      ? names[0]
      : `insert-into_${names.join(',')}`);
  return buildJobGraph(sinks, name, config.toObject(), { reuseSource: config.get(REUSE_SOURCE) });
}
