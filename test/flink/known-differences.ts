/**
 * Cases whose result on Flink 1.20 differs from weir's and the evaluator's, by case name, with the
 * reason (also in docs/flink.md). Each kind keeps a check, so a change on either side shows up:
 * - `flink-rejects`: Flink cannot plan the query; the test expects Flink's error message.
 * - `order`: the result depends on the order rows reach an order-sensitive aggregate (FIRST_VALUE,
 *   LAST_VALUE, LISTAGG), which SQL leaves open; the test compares the grouping keys only.
 * - `flink-result`: Flink answers otherwise; the test pins Flink's answer. The reason says why,
 *   down to the Flink source where Flink is wrong.
 */
export type KnownDifference =
  | { readonly kind: 'flink-rejects'; readonly reason: string; readonly error: RegExp }
  | { readonly kind: 'order'; readonly reason: string }
  | { readonly kind: 'flink-result'; readonly reason: string; readonly flink: readonly string[] };

const CORRELATED: KnownDifference = {
  kind: 'flink-rejects',
  reason:
    'Flink 1.20 cannot decorrelate these [NOT] EXISTS subqueries ("unexpected correlate variable $cor0 in the plan"); weir plans them as semi/anti joins',
  error: /unexpected correlate variable/,
};

const VALUES_ORDER: KnownDifference = {
  kind: 'order',
  reason:
    'on Flink the rows of the clicks VALUES view reach the aggregate with equal values next to each other, not in the VALUES order weir keeps, so order-sensitive aggregates pick other rows; SQL leaves the order open',
};

const CSV_LAST_LINE: KnownDifference = {
  kind: 'flink-rejects',
  reason:
    "Flink 1.20's csv format fails (ArrayIndexOutOfBoundsException) on a file whose last line has no newline; the same file with one passes (case 'csv file with trailing newline'); weir reads both",
  error: /ArrayIndexOutOfBoundsException/,
};

const RETRACTABLE_OVER: KnownDifference = {
  kind: 'flink-rejects',
  reason:
    "Flink's OverAggregate takes only an insert-only input ordered by one time attribute; weir runs a ROWS-framed OVER window over an updating input or any ordering as a retractable OverAggregate (docs/sql.md, 'Beyond Flink'; Nexmark q6 needs it)",
  error:
    /OverAggregate doesn't support consuming update( and delete)? changes|The window can only be ordered|OVER windows' ordering in stream mode must be defined on a time attribute/,
};

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
  'OVER ROWS ordered by a non-time column': RETRACTABLE_OVER,
  'OVER unbounded ROWS over a group aggregate (retractions)': RETRACTABLE_OVER,
  'OVER ROWS over a Top-1 that replaces its rows (Nexmark q6 shape)': RETRACTABLE_OVER,
  'correlated EXISTS': CORRELATED,
  'correlated EXISTS with a non-equi condition': CORRELATED,
  'correlated NOT EXISTS': CORRELATED,
  'NOT EXISTS with a condition on the outer row alone': CORRELATED,
  'unqualified names resolve in the subquery first': CORRELATED,
  'two subqueries: IN and NOT EXISTS': CORRELATED,
  'anti join of an aggregate (retractions on the left side)': CORRELATED,
  'FIRST_VALUE and LAST_VALUE': VALUES_ORDER,
  'FIRST_VALUE skips NULL': VALUES_ORDER,
  'LISTAGG default separator': VALUES_ORDER,
  'LISTAGG with separator': VALUES_ORDER,
  'many aggregates at once': VALUES_ORDER,
  'csv file': CSV_LAST_LINE,
  'csv directory of splits': CSV_LAST_LINE,
  'aggregate over a directory of splits': CSV_LAST_LINE,
  'filter and project from csv': CSV_LAST_LINE,
  'TUMBLE with offset': {
    kind: 'flink-result',
    reason:
      'Flink 1.20 bug FLINK-36664 (fix open as apache/flink#25629): the window aggregate buffers records and flushes them into state only when the watermark reaches TimeWindowUtil.getNextTriggerWatermark, which computes window ends without the offset (TimeWindowUtil.java:200, getWindowStartWithOffset(watermark, 0L, interval)). With a 2 s offset the windows end at :02/:07/… but the flushes happen at :05/:10/…, so the windows [09:59:57, 10:00:02) and [10:00:12, 10:00:17) fire (the first without a timer at all, its only row never having reached state) while the rows at 10:00:00 and 10:00:15 still sit in the buffer; when they are flushed later, AggCombiner (line 109) sees the window fired and registers no timer, so they are lost without being counted as late. weir and the evaluator count them',
    flink: [
      'TS 2024-01-01T10:00:02 | 4',
      'TS 2024-01-01T10:00:07 | 1',
      'TS 2024-01-01T10:00:12 | 1',
      'TS 2024-01-01T10:00:17 | 3',
    ],
  },
  'timestamp to date': {
    kind: 'flink-result',
    reason:
      "Flink 1.20 casts TIMESTAMP '1969-12-31 00:00:01' to DATE '1970-01-01': it divides the epoch milliseconds by a day rounding towards zero instead of down; weir gives 1969-12-31",
    flink: ['DATE 1970-01-01', 'DATE 2024-02-29'],
  },
};
