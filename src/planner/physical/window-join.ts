import { WeirError } from '../../common/errors.js';
import { call, type Expr, inputRef } from '../../common/expr.js';
import type { WindowingSpec } from '../../common/jobgraph.js';
import { Types } from '../../common/types.js';
import type { LogicalJoin, LogicalNode } from '../logical/nodes.js';
import { type WindowColumn, type WindowPath, windowPath } from '../logical/window-path.js';
import { INSERT_ONLY, isInsertOnly } from './changelog.js';
import { and, conjunctions, convertJoin, joinExchange } from './join.js';
import type { PhysicalJoin, PhysicalNode, PhysicalWindowJoin } from './nodes.js';
import { fieldEquality } from './temporal-join.js';

type AttachedWindow = WindowingSpec & { readonly kind: 'attached' };

/** The first `l.<column> = r.<column>` conjunct between the two sides' window columns of one kind. */
function windowEquality(
  conjuncts: readonly Expr[],
  nL: number,
  left: WindowPath,
  right: WindowPath,
  column: WindowColumn,
): [number, number] | undefined {
  for (const c of conjuncts) {
    const pair = fieldEquality(c, nL);
    if (pair && left.columns.get(pair[0]) === column && right.columns.get(pair[1]) === column) return pair;
  }
  return undefined;
}

/**
 * Window join planning (Flink's StreamPhysicalWindowJoinRule): a join of two relations that each
 * trace to a window TVF — directly or through a window aggregation, as window-path.ts follows them
 * — whose condition equates both window_start and both window_end, is a WindowJoin. It is planned
 * as a regular join first (keys, pushed-down filters, computed keys), then the two window
 * equalities leave the keys and become each side's attached window, read from its rows. Otherwise
 * (one window equality only, a side without a TVF) it is a regular join, as in Flink.
 */
export function convertWindowJoin(
  join: LogicalJoin,
  where: Expr | undefined,
  toPhysical: (node: LogicalNode) => PhysicalNode,
): PhysicalNode | undefined {
  const leftPath = windowPath(join.left);
  const rightPath = windowPath(join.right);
  if (!leftPath || !rightPath) return undefined;
  const nL = join.left.rowType.fields.length;
  // An inner join takes WHERE's conditions over both sides as join conditions (see convertJoin).
  const conjuncts = [
    ...conjunctions(join.condition),
    ...(join.joinType === 'INNER' ? conjunctions(where) : []),
  ];
  const starts = windowEquality(conjuncts, nL, leftPath, rightPath, 'start');
  const ends = windowEquality(conjuncts, nL, leftPath, rightPath, 'end');
  if (!starts || !ends) return undefined;

  for (const path of [leftPath, rightPath]) {
    if (path.tvf.timeDomain !== 'event-time')
      throw new WeirError('SQL_UNSUPPORTED', 'A processing-time window join is not supported yet', {
        position: path.tvf.pos ?? join.pos,
        hint: 'window both sides on an event-time attribute (a column with WATERMARK FOR)',
      });
    if (path.tvf.window.kind === 'session' && !path.attached)
      throw new WeirError(
        'SQL_UNSUPPORTED',
        'A window join directly over a SESSION window TVF is not supported (as in Flink)',
        {
          position: path.tvf.pos ?? join.pos,
          hint: 'join TUMBLE, HOP or CUMULATE windows, or the result of a session window aggregation',
        },
      );
  }
  if (JSON.stringify(leftPath.tvf.window) !== JSON.stringify(rightPath.tvf.window))
    throw new WeirError(
      'SQL_UNSUPPORTED',
      "A window join of different windows is not supported: both sides' window TVFs must be the same (as in Flink)",
      { position: join.pos, hint: 'window both sides with the same TVF, size, slide/step and offset' },
    );

  const planned = convertJoin(join, where, toPhysical);
  const regular: PhysicalJoin | undefined =
    planned.kind === 'Join'
      ? planned
      : planned.kind === 'Calc' && planned.input.kind === 'Join'
        ? planned.input
        : undefined;
  if (!regular) return planned;
  const isWindowKey = (i: number) =>
    (regular.leftKeys[i] === starts[0] && regular.rightKeys[i] === starts[1]) ||
    (regular.leftKeys[i] === ends[0] && regular.rightKeys[i] === ends[1]);
  const kept = regular.leftKeys.map((_, i) => i).filter((i) => !isWindowKey(i));
  // Both window equalities must have become keys (an outer join's WHERE stays above it).
  if (kept.length !== regular.leftKeys.length - 2) return planned;

  const exchangeOf = (node: PhysicalNode) => (node.kind === 'Exchange' ? node.input : node);
  const leftInput = exchangeOf(regular.left);
  const rightInput = exchangeOf(regular.right);
  if (!isInsertOnly(leftInput.changelogMode) || !isInsertOnly(rightInput.changelogMode))
    throw new WeirError(
      'SQL_UNSUPPORTED',
      "A window join over an input that updates or deletes is not supported (Flink's WindowJoin consumes insert-only inputs)",
      { position: join.pos, hint: 'join window TVFs or window aggregations, which are insert-only' },
    );
  const leftKeys = kept.map((i) => regular.leftKeys[i]);
  const rightKeys = kept.map((i) => regular.rightKeys[i]);
  const nLeftInput = leftInput.rowType.fields.length;
  const keyEqualities = leftKeys.map((l, i) =>
    call(
      '=',
      [
        inputRef(l, leftInput.rowType.fields[l].type),
        inputRef(nLeftInput + rightKeys[i], rightInput.rowType.fields[rightKeys[i]].type),
      ],
      Types.BOOLEAN(),
    ),
  );
  const attached = (window: WindowingSpec, [startIndex, endIndex]: [number, number]): AttachedWindow => ({
    kind: 'attached',
    window,
    startIndex,
    endIndex,
  });
  const windowJoin: PhysicalWindowJoin = {
    ...regular,
    kind: 'WindowJoin',
    left: joinExchange(leftInput, leftKeys),
    right: joinExchange(rightInput, rightKeys),
    leftKeys,
    rightKeys,
    condition: and([...keyEqualities, ...(regular.nonEquiCondition ? [regular.nonEquiCondition] : [])]) ?? {
      kind: 'literal',
      value: true,
      type: Types.BOOLEAN(false),
    },
    leftWindow: attached(leftPath.tvf.window, [starts[0], ends[0]]),
    rightWindow: attached(rightPath.tvf.window, [starts[1], ends[1]]),
    changelogMode: INSERT_ONLY,
  };
  return planned.kind === 'Calc' ? { ...planned, input: windowJoin, changelogMode: INSERT_ONLY } : windowJoin;
}
