import type { Configuration } from '../../../common/config.js';
import type { Expr } from '../../../common/expr.js';
import { LOCAL_TIME_ZONE } from '../../../common/options.js';
import { compilePredicate, type Predicate } from '../calc/index.js';

/**
 * The join key of a row of one input: its key fields, NULL as null. A NULL in a field whose
 * `filterNulls` is set makes the key one that matches nothing (`lastHasNull`), as SQL's `=` does;
 * without key fields (a join without equalities) every row has the same, empty key.
 */
export class JoinKeySelector {
  /** Whether the last selected key had a NULL in a field that must not be NULL to match. */
  lastHasNull = false;

  constructor(
    private readonly keys: readonly number[],
    private readonly filterNulls: readonly boolean[],
  ) {}

  select(row: readonly unknown[]): unknown[] {
    const key: unknown[] = new Array(this.keys.length);
    let hasNull = false;
    for (let i = 0; i < this.keys.length; i++) {
      const v = row[this.keys[i]];
      if ((v === null || v === undefined) && this.filterNulls[i]) hasNull = true;
      key[i] = v ?? null;
    }
    this.lastHasNull = hasNull;
    return key;
  }
}

/** The non-equi part of a join condition, compiled once per job in the session's time zone. */
export function compileJoinCondition(
  condition: Expr | undefined,
  config: Configuration,
): Predicate | undefined {
  if (!condition) return undefined;
  const zone = config.get(LOCAL_TIME_ZONE);
  return compilePredicate(condition, zone && zone !== 'default' ? { timeZone: zone } : {});
}
