import type { Expr } from '../../common/expr.js';
import type { LogicalAggregate, LogicalNode, LogicalWindowTableFunction } from './nodes.js';

/**
 * Where a window TVF's window columns go: from the TVF up through projections and filters that
 * only pass them along (a projection or filter computing with one ends the trace). Used to plan
 * window aggregation (physical/window.ts) and to keep window_time a time attribute after it.
 */

export type WindowColumn = 'start' | 'end' | 'time';

/** The nodes from the aggregate's input down to the TVF, and which of each one's fields are window columns. */
export interface WindowPath {
  readonly tvf: LogicalWindowTableFunction;
  /** Top (the aggregate's input) first. */
  readonly path: readonly LogicalNode[];
  /** Window columns among the aggregate input's fields. */
  readonly columns: ReadonlyMap<number, WindowColumn>;
  /** The aggregate input's fields that pass a TVF input field through: field → TVF input field. */
  readonly origins: ReadonlyMap<number, number>;
  /**
   * The window columns come from an upstream window aggregation's output (its window_start and
   * window_end), not from the TVF directly: `path` ends at that aggregation.
   */
  readonly attached?: boolean;
}

function referenced(e: Expr, into: Set<number>): Set<number> {
  if (e.kind === 'input') into.add(e.index);
  else if (e.kind === 'call') for (const a of e.args) referenced(a, into);
  return into;
}

const touches = (e: Expr, columns: ReadonlyMap<number, WindowColumn>) =>
  [...referenced(e, new Set())].some((i) => columns.has(i));

/** Finds the TVF under `node` and traces its window columns up, if nothing on the way computes with them. */
export function windowPath(node: LogicalNode): WindowPath | undefined {
  if (node.kind === 'LogicalWindowTableFunction') {
    const n = node.rowType.fields.length;
    const columns = new Map<number, WindowColumn>([
      [n - 3, 'start'],
      [n - 2, 'end'],
      [n - 1, 'time'],
    ]);
    const origins = new Map(node.input.rowType.fields.map((_, i) => [i, i]));
    return { tvf: node, path: [node], columns, origins };
  }
  if (node.kind === 'LogicalAggregate') {
    const inner = windowAggregation(node);
    if (!inner) return undefined;
    // Its output: the grouping fields, then the calls; grouped window columns stay window columns.
    const columns = new Map<number, WindowColumn>();
    node.groupSet.forEach((g, i) => {
      const column = inner.columns.get(g);
      if (column) columns.set(i, column);
    });
    return { tvf: inner.tvf, path: [node], columns, origins: new Map(), attached: true };
  }
  if (node.kind === 'LogicalFilter') {
    const below = windowPath(node.input);
    if (!below || touches(node.condition, below.columns)) return undefined;
    return { ...below, path: [node, ...below.path] };
  }
  if (node.kind === 'LogicalProject') {
    const below = windowPath(node.input);
    if (!below) return undefined;
    const columns = new Map<number, WindowColumn>();
    const origins = new Map<number, number>();
    for (let i = 0; i < node.exprs.length; i++) {
      const e = node.exprs[i];
      const column = e.kind === 'input' ? below.columns.get(e.index) : undefined;
      const origin = e.kind === 'input' ? below.origins.get(e.index) : undefined;
      if (column) columns.set(i, column);
      else if (touches(e, below.columns)) return undefined;
      if (origin !== undefined) origins.set(i, origin);
    }
    return { tvf: below.tvf, path: [node, ...below.path], columns, origins, attached: below.attached };
  }
  return undefined;
}

/**
 * The window path of an aggregate that is a window aggregation: grouped by window_start and
 * window_end, its calls not reading window columns. Undefined for any other aggregate.
 */
export function windowAggregation(node: LogicalAggregate): WindowPath | undefined {
  const found = windowPath(node.input);
  if (!found) return undefined;
  const grouped = new Set(node.groupSet.map((g) => found.columns.get(g)));
  const argUsesWindow = node.aggCalls.some(
    (c) =>
      c.args.some((a) => found.columns.has(a)) ||
      (c.filterArg !== undefined && found.columns.has(c.filterArg)),
  );
  return grouped.has('start') && grouped.has('end') && !argUsesWindow ? found : undefined;
}
