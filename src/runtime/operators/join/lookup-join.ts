import type { LookupJoinSpec } from '../../../common/jobgraph.js';
import { LOCAL_TIME_ZONE } from '../../../common/options.js';
import type { RecordBatch } from '../../api/batch.js';
import type { LookupFunction, LookupProvider } from '../../api/lookup.js';
import type { OperatorContext, Output, StreamOperator } from '../../api/operator.js';
import { compileProjection, type Predicate } from '../calc/index.js';
import { compileJoinCondition } from './join-key.js';
import { LookupCache, lookupKeyString } from './lookup-cache.js';

type Rows = readonly (readonly unknown[])[];

/**
 * Flink's LookupJoinRunner (with its async variant's ordering): each input row is joined with the
 * rows of the table that have its lookup key, which come from the cache or from the connector's
 * lookup. The keys of a batch that are not cached are looked up together in one call (one round
 * trip for the batch, not one per row), and the joined rows go out in input order with the input
 * row's kind. A row whose key has a NULL matches nothing.
 *
 * Checkpoints: processBatch resolves only once its lookups have completed and its rows are
 * emitted, and the task takes its next element (a barrier among them) only then — so no lookup
 * is ever in flight when a barrier passes, which is what Flink's AsyncWaitOperator gets by
 * storing in-flight inputs in its state. There is no state to snapshot; the cache starts empty
 * after a restore.
 */
export class LookupJoinOperator implements StreamOperator {
  private output!: Output;
  private condition?: Predicate;
  private cache?: LookupCache;
  private lookup!: LookupFunction;
  private readonly leftOuter: boolean;
  private readonly nulls: readonly null[];
  /** Per key part: the input field it comes from, or -1 for a constant. */
  private readonly keyFields: readonly number[];
  private constants: unknown[] = [];

  /** `provider` is called at open: the connector's lookup and its cache options. */
  constructor(
    private readonly spec: LookupJoinSpec,
    private readonly provider: () => LookupProvider,
  ) {
    this.leftOuter = spec.joinType === 'LEFT';
    this.nulls = spec.table.schema.fields.map(() => null);
    this.keyFields = spec.keys.map((k) => (k.kind === 'field' ? k.inputField : -1));
  }

  /** The cache, for tests and metrics; undefined without one. */
  get lookupCache(): LookupCache | undefined {
    return this.cache;
  }

  async open(ctx: OperatorContext, output: Output): Promise<void> {
    this.output = output;
    this.condition = compileJoinCondition(this.spec.condition, ctx.config);
    const zone = ctx.config.get(LOCAL_TIME_ZONE);
    const constants = compileProjection(
      this.spec.keys.flatMap((k) => (k.kind === 'constant' ? [k.value] : [])),
      zone && zone !== 'default' ? { timeZone: zone } : {},
    )([]);
    this.constants = this.spec.keys.map((k) => (k.kind === 'constant' ? constants.shift() : undefined));
    const provider = this.provider();
    this.lookup = provider.function;
    if (provider.cache) {
      const clock = ctx.processingTimeService;
      this.cache = new LookupCache(provider.cache, () => clock.now());
    }
    await this.lookup.open(ctx);
  }

  async processBatch(batch: RecordBatch): Promise<void> {
    const rows = batch.rows;
    const keyStrings: (string | undefined)[] = new Array(rows.length);
    const found = new Map<string, Rows>();
    const missing = new Map<string, unknown[]>();
    for (let r = 0; r < rows.length; r++) {
      const key = this.keyOf(rows[r]);
      if (!key) continue;
      const s = lookupKeyString(key);
      keyStrings[r] = s;
      if (found.has(s) || missing.has(s)) continue;
      const cached = this.cache?.get(s);
      if (cached) found.set(s, cached);
      else missing.set(s, key);
    }
    if (missing.size > 0) {
      const keys = [...missing.values()];
      const results = await this.lookup.lookup(keys);
      let i = 0;
      for (const s of missing.keys()) {
        const result = results[i++] ?? [];
        found.set(s, result);
        this.cache?.put(s, result);
      }
    }
    const out: unknown[][] = [];
    const kinds: number[] = [];
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      const kind = batch.kinds ? batch.kinds[r] : 0;
      const s = keyStrings[r];
      let matched = false;
      if (s !== undefined) {
        for (const tableRow of found.get(s) ?? []) {
          const joined = [...row, ...tableRow];
          if (this.condition && !this.condition(joined)) continue;
          out.push(joined);
          kinds.push(kind);
          matched = true;
        }
      }
      if (!matched && this.leftOuter) {
        out.push([...row, ...this.nulls]);
        kinds.push(kind);
      }
    }
    if (out.length === 0) return;
    await this.output.emit(batch.kinds ? { rows: out, kinds: Uint8Array.from(kinds) } : { rows: out });
  }

  /** The row's lookup key, or undefined when a part is NULL (it matches no row). */
  private keyOf(row: readonly unknown[]): unknown[] | undefined {
    const key: unknown[] = new Array(this.keyFields.length);
    for (let i = 0; i < key.length; i++) {
      const field = this.keyFields[i];
      const v = field >= 0 ? row[field] : this.constants[i];
      if (v === null || v === undefined) return undefined;
      key[i] = v;
    }
    return key;
  }

  processWatermark(watermark: number): void | Promise<void> {
    return this.output.emitWatermark(watermark);
  }

  async close(): Promise<void> {
    await this.lookup?.close();
  }
}
