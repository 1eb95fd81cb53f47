import { WeirError } from '../../common/errors.js';
import { call, type Expr, inputRef } from '../../common/expr.js';
import { Types } from '../../common/types.js';
import {
  type LogicalFilter,
  type LogicalNode,
  type LogicalOverWindow,
  type LogicalProject,
  logicalInputs,
} from '../logical/nodes.js';
import { isInsertOnly, type RowKindSet, rowKindSet } from './changelog.js';
import type { PhysicalNode } from './nodes.js';
import { windowRank } from './window-rank.js';

/**
 * Top-N and deduplication as Flink's planner finds them (FlinkLogicalRankRule, then
 * StreamPhysicalDeduplicateRule): a filter on a ranking function's field over an OVER window
 * whose only call is that function. The filter's conjuncts on the rank field (`rn <= N`, `rn < N`,
 * `rn = N`, `rn BETWEEN a AND b`, `rn >= a`, with integer constants) give the rank range; the
 * others stay in a Calc above. The rank number is output only when something above reads it
 * (Flink's outputRankNumber). ROW_NUMBER = 1 without the rank number, ordered by one time
 * attribute over an insert-only input, is a Deduplicate instead. Partitioned by window_start and
 * window_end of a window TVF or window aggregation, it is a WindowRank or WindowDeduplicate
 * (window-rank.ts).
 */

export function rankChangelog(generateUpdateBefore: boolean, insertOnly = false): RowKindSet {
  if (insertOnly) return rowKindSet('I');
  return generateUpdateBefore ? rowKindSet('I', 'UB', 'UA', 'D') : rowKindSet('I', 'UA', 'D');
}

/**
 * A Rank without ORDER BY over inserts (a LIMIT without ORDER BY) ranks rows in arrival order: a
 * new row never displaces a kept one, so it only inserts — Flink's Limit is insert-only there too,
 * and can feed an append-only sink.
 */
export function rankedInArrivalOrder(orderKeys: readonly unknown[], input: RowKindSet): boolean {
  return orderKeys.length === 0 && isInsertOnly(input);
}

export function deduplicateChangelog(
  keepLastRow: boolean,
  rowtime: boolean,
  generateUpdateBefore: boolean,
): RowKindSet {
  if (!keepLastRow && !rowtime) return rowKindSet('I');
  return generateUpdateBefore ? rowKindSet('I', 'UB', 'UA') : rowKindSet('I', 'UA');
}

/** `e` with each input reference replaced by `to(index)`. */
export function substitute(e: Expr, to: (index: number) => Expr): Expr {
  switch (e.kind) {
    case 'input':
      return to(e.index);
    case 'literal':
      return e;
    case 'call':
      return call(
        e.fn,
        e.args.map((a) => substitute(a, to)),
        e.type,
      );
    default: {
      const never: never = e;
      return never;
    }
  }
}

function references(e: Expr, index: number): boolean {
  if (e.kind === 'input') return e.index === index;
  return e.kind === 'call' && e.args.some((a) => references(a, index));
}

function conjuncts(e: Expr): Expr[] {
  return e.kind === 'call' && e.fn === 'AND' ? e.args.flatMap(conjuncts) : [e];
}

/** An integer constant, also through the CAST that widens it to the rank's BIGINT. */
function constant(e: Expr): number | undefined {
  if (e.kind === 'call' && e.fn === 'CAST') return constant(e.args[0]);
  if (e.kind !== 'literal') return undefined;
  const v = typeof e.value === 'string' ? Number(e.value) : e.value;
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined;
}

const FLIPPED: Record<string, string> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '=': '=' };

/** Narrows [start, end] by a conjunct on the rank field; false when it is not one. */
function narrow(e: Expr, rankField: number, range: { start: number; end?: number }): boolean {
  if (e.kind !== 'call') return false;
  const isRank = (x: Expr) => x.kind === 'input' && x.index === rankField;
  const apply = (op: string, n: number): boolean => {
    switch (op) {
      case '<=':
        range.end = Math.min(range.end ?? n, n);
        return true;
      case '<':
        range.end = Math.min(range.end ?? n - 1, n - 1);
        return true;
      case '>=':
        range.start = Math.max(range.start, n);
        return true;
      case '>':
        range.start = Math.max(range.start, n + 1);
        return true;
      case '=':
        range.start = Math.max(range.start, n);
        range.end = Math.min(range.end ?? n, n);
        return true;
      default:
        return false;
    }
  };
  if (e.fn === 'BETWEEN' && isRank(e.args[0])) {
    const low = constant(e.args[1]);
    const high = constant(e.args[2]);
    return low !== undefined && high !== undefined && apply('>=', low) && apply('<=', high);
  }
  if (!(e.fn in FLIPPED) || e.args.length !== 2) return false;
  const [l, r] = e.args;
  if (isRank(l) && constant(r) !== undefined) return apply(e.fn, constant(r)!);
  if (isRank(r) && constant(l) !== undefined) return apply(FLIPPED[e.fn], constant(l)!);
  return false;
}

interface RankPattern {
  readonly window: LogicalOverWindow;
  /** Each field of the filter's input as an expression over the window's output. */
  readonly exprOf: readonly Expr[];
  readonly filter: LogicalFilter;
}

/** Filter [→ Project] → OVER window with one ranking call (the Project is the SELECT list around the call). */
function matchPattern(node: LogicalNode): RankPattern | undefined {
  if (node.kind !== 'LogicalFilter') return undefined;
  let below = node.input;
  let exprOf: readonly Expr[] | undefined;
  if (below.kind === 'LogicalProject') {
    exprOf = below.exprs;
    below = below.input;
  }
  if (below.kind !== 'LogicalOverWindow' || below.calls.length !== 1) return undefined;
  if (!['ROW_NUMBER', 'RANK', 'DENSE_RANK'].includes(below.calls[0].fn)) return undefined;
  return {
    window: below,
    exprOf: exprOf ?? below.rowType.fields.map((f, i) => inputRef(i, f.type)),
    filter: node,
  };
}

/**
 * The physical plan of `project` when it sits on a Top-N pattern: Calc(project, the other
 * conjuncts) → Rank or Deduplicate → Exchange → the window's input. Undefined when it does not.
 */
export function convertRank(
  project: LogicalProject,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode | undefined {
  const pattern = matchPattern(project.input);
  if (!pattern) return undefined;
  const { window, exprOf, filter } = pattern;
  const rankCall = window.calls[0];
  const width = window.input.rowType.fields.length;
  const rankField = width;
  const toWindow = (e: Expr): Expr => substitute(e, (i) => exprOf[i]);
  const range: { start: number; end?: number } = { start: 1 };
  const remaining: Expr[] = [];
  let found = false;
  for (const c of conjuncts(toWindow(filter.condition))) {
    if (narrow(c, rankField, range)) found = true;
    else remaining.push(c);
  }
  if (!found) return undefined;
  if (rankCall.fn !== 'ROW_NUMBER')
    throw new WeirError('SQL_UNSUPPORTED', `${rankCall.fn}() on streaming table is not supported currently`, {
      position: rankCall.pos,
      hint: 'use ROW_NUMBER(), as Flink requires for a streaming Top-N',
    });
  if (range.end === undefined)
    throw new WeirError(
      'SQL_UNSUPPORTED',
      'Rank end is not specified. Currently rank only support TopN, which means the rank end must be specified.',
      { position: rankCall.pos, hint: 'filter the rank with an upper bound, e.g. WHERE rn <= 10' },
    );
  if (range.end < range.start)
    throw new WeirError('SQL_UNSUPPORTED', `An empty rank range (${range.start} to ${range.end})`, {
      position: rankCall.pos,
    });
  const exprs = project.exprs.map(toWindow);
  const outputRankNumber = [...exprs, ...remaining].some((e) => references(e, rankField));
  const condition = remaining.reduce<Expr | undefined>(
    (acc, c) => (acc ? call('AND', [acc, c], Types.BOOLEAN(acc.type.nullable || c.type.nullable)) : c),
    undefined,
  );
  const calc = (ranked: PhysicalNode): PhysicalNode => ({
    kind: 'Calc',
    input: ranked,
    projection: exprs,
    ...(condition ? { condition } : {}),
    rowType: project.rowType,
    changelogMode: ranked.changelogMode,
  });
  const windowed = windowRank(window, { start: range.start, end: range.end }, outputRankNumber, toPhysical);
  if (windowed) return calc(windowed);
  // Partitioned by window columns that something computed with: not a window Top-N Flink plans either.
  if (isWindowRank(window))
    throw new WeirError(
      'SQL_UNSUPPORTED',
      'Window Top-N and window deduplication over window_start and window_end that do not come unchanged from a window TVF or window aggregation are not supported yet',
      {
        position: rankCall.pos,
        hint: 'Flink runs it as a WindowRank or WindowDeduplicate that emits final rows when the window ends',
      },
    );

  const input = toPhysical(window.input);
  const exchange: PhysicalNode = {
    kind: 'Exchange',
    input,
    distribution:
      window.partitionKeys.length > 0 ? { kind: 'hash', keys: window.partitionKeys } : { kind: 'single' },
    rowType: input.rowType,
    changelogMode: input.changelogMode,
  };
  const rowType = outputRankNumber ? window.rowType : window.input.rowType;
  const orderKeys = window.orderKeys;
  const orderType = orderKeys.length === 1 ? input.rowType.fields[orderKeys[0].index].type : undefined;
  const dedupable =
    window.limit === undefined &&
    range.start === 1 &&
    range.end === 1 &&
    !outputRankNumber &&
    orderType?.timeAttribute !== undefined &&
    isInsertOnly(input.changelogMode);
  let ranked: PhysicalNode;
  if (dedupable) {
    const keepLastRow = orderKeys[0].descending;
    const rowtime = orderType!.timeAttribute === 'ROWTIME';
    ranked = {
      kind: 'Deduplicate',
      input: exchange,
      keys: window.partitionKeys,
      keepLastRow,
      ...(rowtime ? { rowtimeIndex: orderKeys[0].index } : {}),
      generateUpdateBefore: true,
      rowType,
      changelogMode: deduplicateChangelog(keepLastRow, rowtime, true),
    };
  } else {
    ranked = {
      kind: 'Rank',
      input: exchange,
      partitionKeys: window.partitionKeys,
      orderKeys,
      rankStart: range.start,
      rankEnd: range.end,
      outputRankNumber,
      strategy: isInsertOnly(input.changelogMode) ? 'AppendFastStrategy' : 'RetractStrategy',
      generateUpdateBefore: true,
      rowType,
      changelogMode: rankChangelog(true, rankedInArrivalOrder(orderKeys, input.changelogMode)),
      ...(window.limit ? { limit: window.limit } : {}),
    };
  }
  return calc(ranked);
}

/**
 * A Top-N partitioned by columns named window_start and window_end over a window table function
 * that window-rank.ts could not trace back to it: refused rather than planned as a regular Top-N,
 * whose changelog would differ from Flink's insert-only WindowRank.
 */
function isWindowRank(window: LogicalOverWindow): boolean {
  const names = window.partitionKeys.map((k) => window.input.rowType.fields[k].name);
  if (!names.includes('window_start') || !names.includes('window_end')) return false;
  const below = (node: LogicalNode): boolean =>
    node.kind === 'LogicalWindowTableFunction' || logicalInputs(node).some(below);
  return below(window.input);
}

/** An OVER window that is not under a Top-N filter: Flink's errors for what it cannot run. */
export function rejectOverWindow(window: LogicalOverWindow): never {
  const ranking = window.calls.find((c) => ['ROW_NUMBER', 'RANK', 'DENSE_RANK'].includes(c.fn));
  if (ranking)
    throw new WeirError(
      'SQL_UNSUPPORTED',
      `${ranking.fn}() without a filter on its result is an unbounded OVER window, which a streaming query cannot compute`,
      {
        position: ranking.pos,
        hint: 'select FROM (SELECT …, ROW_NUMBER() OVER (…) AS rn FROM t) WHERE rn <= N for a Top-N, or rn = 1 ordered by a time attribute to deduplicate',
      },
    );
  throw new WeirError('SQL_UNSUPPORTED', 'OVER aggregation is not supported yet', { position: window.pos });
}
