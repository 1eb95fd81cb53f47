import { writeSync } from 'node:fs';
import { WeirError } from './errors.js';

/**
 * Named failpoints: faults injected at chosen steps of the checkpoint and commit protocol, for the
 * crash tests (test/chaos, `npm run chaos`). They are switched on only by the WEIR_FAILPOINTS
 * environment variable, read once when this module loads; unset, every call returns after one
 * check of a module constant, and no failpoint sits on a per-record path.
 *
 *   WEIR_FAILPOINTS='checkpoint.after-metadata=kill@2;sink.commit=throw@1;task.restore=throw%0.2'
 *   WEIR_FAILPOINTS_SEED=42      (seeds the probabilities; default 1)
 *
 * Entries are separated by ';' or ','. Each is `name=action@n` (fire at the n-th time the point
 * is reached in this process, once), `name=action%p` (fire each time with probability p, from a
 * generator seeded per failpoint), or a bare `name` (a flag, read with failpointEnabled).
 * Actions:
 *   throw  an error at that step: a task fails (the restart strategy restarts the job) or, inside
 *          a checkpoint's synchronous or asynchronous part, the checkpoint is declined;
 *   kill   SIGKILL of the whole process, as a crash or `kill -9` would do.
 */
export const FAILPOINTS = {
  'source.before-barrier': 'a source task is about to emit a checkpoint barrier',
  'source.after-barrier': 'a source task has emitted the barrier but not yet snapshotted its position',
  'operator.snapshot': 'a task is snapshotting its operators (synchronous part of a checkpoint)',
  'checkpoint.async-upload': "a task's keyed state is being written out (asynchronous part)",
  'checkpoint.before-metadata': 'every task acknowledged; the coordinator has not written _metadata',
  'checkpoint.after-metadata': '_metadata is written; the checkpoint is not yet known to be complete',
  'checkpoint.before-notify': 'the checkpoint is complete; tasks are not yet notified',
  'sink.before-commit': 'a sink was notified of a completed checkpoint and has not committed',
  'sink.commit': 'a sink committed one transaction and has more to commit (multi-commit)',
  'restore.commit': 'a restored sink committed one transaction of the restored checkpoint',
  'task.restore': 'a task is initializing its state from a checkpoint',
  'jdbc-sink.skip-commit': 'flag: the JDBC sink never commits (a crash between completion and commit)',
} as const;

export type FailpointName = keyof typeof FAILPOINTS;

type Action = 'throw' | 'kill' | 'on';

interface Failpoint {
  readonly action: Action;
  /** Fire at this hit (1-based), once. */
  readonly at?: number;
  /** Fire on each hit with this probability. */
  readonly probability?: number;
  hits: number;
  random: () => number;
}

/** mulberry32: small, fast, and the same sequence from the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Parses a WEIR_FAILPOINTS value; throws a WeirError naming the bad entry. */
export function parseFailpoints(spec: string, seed = 1): Map<string, Failpoint> {
  const points = new Map<string, Failpoint>();
  for (const raw of spec.split(/[;,]/)) {
    const entry = raw.trim();
    if (entry === '') continue;
    const m = /^([a-z0-9.-]+)(?:=(throw|kill)(?:@(\d+)|%(0(?:\.\d+)?|1(?:\.0*)?)))?$/.exec(entry);
    if (!m || !(m[1] in FAILPOINTS) || (m[2] !== undefined && m[3] === undefined && m[4] === undefined)) {
      throw new WeirError(
        'FAILPOINT_SPEC',
        `WEIR_FAILPOINTS: cannot read '${entry}'; expected name=throw|kill@<n> or name=throw|kill%<probability>`,
        { hint: `Known failpoints: ${Object.keys(FAILPOINTS).join(', ')}.` },
      );
    }
    points.set(m[1], {
      action: (m[2] as Action | undefined) ?? 'on',
      at: m[3] === undefined ? undefined : Number(m[3]),
      probability: m[4] === undefined ? undefined : Number(m[4]),
      hits: 0,
      random: seededRandom(seed ^ hashName(m[1])),
    });
  }
  return points;
}

const ACTIVE: Map<string, Failpoint> | undefined = process.env.WEIR_FAILPOINTS
  ? parseFailpoints(process.env.WEIR_FAILPOINTS, Number(process.env.WEIR_FAILPOINTS_SEED ?? 1))
  : undefined;

/** Counts a hit of an active failpoint; true when it fires now. */
function fires(point: Failpoint): boolean {
  point.hits++;
  if (point.at !== undefined) return point.hits === point.at;
  return point.probability !== undefined && point.random() < point.probability;
}

function announce(name: string, point: Failpoint, action: string): void {
  // Synchronous, so the line is out before a SIGKILL; the crash runner reads it.
  writeSync(2, `[WARN] failpoint ${name} fired (${action}, hit ${point.hits})\n`);
}

/** The error a `throw` failpoint raises: external, so the restart strategy restarts the job. */
function failpointError(name: string): WeirError {
  return new WeirError('FAILPOINT', `Failpoint ${name} fired`, {
    kind: 'external',
    hint: 'Injected by WEIR_FAILPOINTS for a crash test.',
  });
}

/**
 * Reaches the failpoint `name`: nothing unless WEIR_FAILPOINTS names it and it fires now; then
 * the process is SIGKILLed (kill), or the error is thrown (throw) — or, when `onError` is given,
 * handed to it instead of thrown, for steps where a throw would have nowhere to go.
 */
export function failpoint(name: FailpointName, onError?: (error: WeirError) => void): void {
  if (ACTIVE === undefined) return;
  const point = ACTIVE.get(name);
  if (point === undefined || point.action === 'on' || !fires(point)) return;
  announce(name, point, point.action);
  if (point.action === 'kill') {
    process.kill(process.pid, 'SIGKILL');
    // The signal is delivered at once; nothing of this process may run after the crash point.
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000);
    return;
  }
  const error = failpointError(name);
  if (onError) onError(error);
  else throw error;
}

/** Whether the flag failpoint `name` is set (a bare name in WEIR_FAILPOINTS). */
export function failpointEnabled(name: FailpointName): boolean {
  return ACTIVE?.get(name)?.action === 'on';
}
