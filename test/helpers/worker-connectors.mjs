// Connectors for the worker-thread tests, loaded by each worker thread (and by the main thread, to
// learn what workers can create). Plain JavaScript on the compiled build: a worker thread cannot
// load TypeScript. What the tests check afterwards lives outside the threads: committed
// transactions are files, counters are a SharedArrayBuffer.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { builtinConnectors } from '../../dist/connectors/registry.js';

/** Counter slots in the shared Int32Array. */
export const EMITTED = 0;
export const WRITTEN = 1;

/**
 * Emits rows [id, threadId of the source], ids start+subtask, +parallelism, … up to 'end', in
 * batches of 'batch-size', as fast as backpressure lets it; its position is checkpointed.
 */
class SequenceSource {
  constructor(spec, counters) {
    this.end = Number(spec.options.end);
    this.batchSize = Number(spec.options['batch-size'] ?? 100);
    this.counters = counters;
    this.next = undefined;
  }
  initializeState(restored) {
    const next = restored?.next?.[0];
    if (next !== undefined) this.next = next;
  }
  open(ctx) {
    this.step = ctx.parallelism;
    if (this.next === undefined) this.next = ctx.subtaskIndex + 1;
  }
  poll(output) {
    if (this.next > this.end) return { status: 'end' };
    const rows = [];
    while (rows.length < this.batchSize && this.next <= this.end) {
      rows.push([this.next, threadId]);
      this.next += this.step;
    }
    if (this.counters) Atomics.add(this.counters, EMITTED, rows.length);
    const wait = output.emit({ rows });
    return wait ? wait.then(() => ({ status: 'emitted' })) : { status: 'emitted' };
  }
  snapshotState() {
    return { next: [this.next] };
  }
  close() {}
}

/**
 * A two-phase-commit sink whose committed transactions are files in 'dir' (created once, by
 * rename, so a commit repeated after a restore is a no-op). Each records the subtask and the
 * thread that wrote it. 'fail-at-row' throws once, in the first attempt; 'delay-ms' makes every
 * batch slow, for backpressure.
 */
class FileCommittingSink {
  constructor(spec, counters) {
    this.dir = spec.options.dir;
    this.failAtRow =
      spec.options['fail-at-row'] === undefined ? undefined : Number(spec.options['fail-at-row']);
    this.delayMs = Number(spec.options['delay-ms'] ?? 0);
    this.counters = counters;
    this.buffered = [];
    this.pending = new Map();
  }
  initializeState(restored) {
    for (const e of restored?.pending ?? []) this.pending.set(e.id, { txn: e.txn, rows: e.rows });
  }
  open(ctx) {
    this.ctx = ctx;
    mkdirSync(this.dir, { recursive: true });
    for (const id of [...this.pending.keys()]) this.commit(id);
  }
  processBatch(batch) {
    for (const row of batch.rows) {
      if (row[0] === this.failAtRow && this.ctx.attemptNumber === 0)
        throw new Error(`failpoint at row ${row[0]}`);
      this.buffered.push(row);
    }
    if (this.counters) Atomics.add(this.counters, WRITTEN, batch.rows.length);
    if (this.delayMs > 0) return new Promise((resolve) => setTimeout(resolve, this.delayMs));
  }
  snapshotState(checkpointId) {
    const txn = `${this.ctx.jobId}-${this.ctx.subtaskIndex}-${checkpointId}`;
    this.pending.set(checkpointId, { txn, rows: this.buffered });
    this.buffered = [];
    return { pending: [...this.pending].map(([id, p]) => ({ id, ...p })) };
  }
  notifyCheckpointComplete(checkpointId) {
    for (const id of [...this.pending.keys()]) if (id <= checkpointId) this.commit(id);
  }
  commit(id) {
    const { txn, rows } = this.pending.get(id);
    const file = join(this.dir, `${txn}.json`);
    if (!existsSync(file)) {
      writeFileSync(`${file}.tmp`, JSON.stringify({ subtask: this.ctx.subtaskIndex, threadId, rows }));
      renameSync(`${file}.tmp`, file);
    }
    this.pending.delete(id);
  }
  close() {}
}

/** Every committed transaction in `dir`. */
export function committedTransactions(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
}

/** args: { counters?: Int32Array over a SharedArrayBuffer }. */
export default function workerTestConnectors(args = {}) {
  const quiet = { write: () => true, once: () => undefined };
  const counters = args.counters;
  return [
    ...builtinConnectors({ stdout: quiet, stderr: quiet })
      .map((c) => c.runtime)
      .filter((c) => c.identifier !== 'collect'),
    {
      identifier: 'sequence',
      runsInWorkers: true,
      source: { createReader: (spec) => new SequenceSource(spec, counters) },
    },
    {
      identifier: 'file-2pc',
      runsInWorkers: true,
      sink: { createWriter: (spec) => new FileCommittingSink(spec, counters) },
    },
  ];
}
