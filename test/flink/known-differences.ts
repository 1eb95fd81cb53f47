/**
 * Cases whose result on Flink 1.20 differs from weir's and the evaluator's, by case name, with the
 * reason (also in docs/flink.md). Each kind keeps a check, so a change on either side shows up:
 * - `flink-rejects`: Flink cannot plan the query; the test expects Flink's error message.
 * - `order`: the result depends on the order rows reach an order-sensitive aggregate (FIRST_VALUE,
 *   LAST_VALUE, LISTAGG), which SQL leaves open; the test compares the grouping keys only.
 * - `flink-bug`: Flink's answer is wrong by the SQL standard; the test expects Flink's answer.
 */
export type KnownDifference =
  | { readonly kind: 'flink-rejects'; readonly reason: string; readonly error: RegExp }
  | { readonly kind: 'order'; readonly reason: string }
  | { readonly kind: 'flink-bug'; readonly reason: string; readonly flink: readonly string[] };

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

export const KNOWN_DIFFERENCES: Readonly<Record<string, KnownDifference>> = {
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
  'timestamp to date': {
    kind: 'flink-bug',
    reason:
      "Flink 1.20 casts TIMESTAMP '1969-12-31 00:00:01' to DATE '1970-01-01': it divides the epoch milliseconds by a day rounding towards zero instead of down; weir gives 1969-12-31",
    flink: ['DATE 1970-01-01', 'DATE 2024-02-29'],
  },
};
