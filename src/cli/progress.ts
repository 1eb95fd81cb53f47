import { isSourceOperator, type JobGraph } from '../common/jobgraph.js';
import type { JobClient } from '../runtime/index.js';

/** Where the status goes: a terminal (redrawn in place) or a pipe or file (plain lines). */
export interface StatusTerminal {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

interface Watched {
  readonly job: JobClient;
  readonly sources: readonly string[];
  readonly sinks: readonly string[];
}

/** A running job's status: records/s read by its sources and written by its sinks, the last checkpoint, restarts. */
export function jobStatusLine(job: JobClient, sources: readonly string[], sinks: readonly string[]): string {
  let inRate = 0;
  let outRate = 0;
  for (const view of job.metrics.subtasks()) {
    for (const id of sources) inRate += view.operatorRates[id]?.numRecordsOutPerSecond ?? 0;
    for (const id of sinks) outRate += view.operatorRates[id]?.numRecordsInPerSecond ?? 0;
  }
  const last = [...job.coordinator.statistics].reverse().find((s) => s.status === 'COMPLETED');
  const checkpoint = last
    ? `checkpoint ${last.id} (${Math.round(last.durationMs ?? 0)} ms)`
    : 'no checkpoint yet';
  const restarts = job.metrics.numRestarts;
  return `job ${job.jobId.slice(0, 8)}: ${rate(inRate)} in/s, ${rate(outRate)} out/s, ${checkpoint}, ${restarts} restart${restarts === 1 ? '' : 's'}`;
}

function rate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(1)}M`;
  if (perSecond >= 1e4) return `${(perSecond / 1e3).toFixed(1)}k`;
  return String(Math.round(perSecond));
}

/**
 * The live status of a foreground `weir run`: on a terminal, one line redrawn every second at the
 * bottom (other output erases it first and it is redrawn after); on a pipe or file, a plain
 * `[INFO]` line every `plainIntervalMs`.
 */
export class ProgressReporter {
  private readonly watched: Watched[] = [];
  private drawn = false;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly terminal: StatusTerminal,
    private readonly plainIntervalMs = 10_000,
  ) {}

  get live(): boolean {
    return this.terminal.isTTY === true;
  }

  watch(job: JobClient, graph: JobGraph): void {
    const ids = (pick: (v: JobGraph['vertices'][number]) => boolean) =>
      graph.vertices.filter(pick).map((v) => v.id);
    this.watched.push({
      job,
      sources: ids((v) => isSourceOperator(v.operator)),
      sinks: ids((v) => v.operator.kind === 'sink'),
    });
    if (!this.timer) {
      this.timer = setInterval(() => this.tick(), this.live ? 1000 : this.plainIntervalMs);
      this.timer.unref();
    }
  }

  /** A stream whose writes do not tear the status line: it is erased first and redrawn after. */
  guard<T extends StatusTerminal>(stream: T): T {
    if (!this.live) return stream;
    const guarded = Object.create(stream) as T;
    guarded.write = (chunk: string) => {
      this.erase();
      const ok = stream.write(chunk);
      if (this.watched.length > 0) this.draw();
      return ok;
    };
    guarded.once = (event, listener) => stream.once(event, listener);
    return guarded;
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.erase();
  }

  private lines(): string[] {
    return this.watched
      .filter((w) => w.job.status === 'RUNNING')
      .map((w) => jobStatusLine(w.job, w.sources, w.sinks));
  }

  private tick(): void {
    if (this.live) this.draw();
    else for (const line of this.lines()) this.terminal.write(`[INFO] ${line}\n`);
  }

  private draw(): void {
    const text = this.lines().join(' | ');
    if (text === '') {
      this.erase();
      return;
    }
    // A pseudo-terminal may report 0 columns: then assume a common width.
    const width = (this.terminal.columns || 120) - 1;
    this.terminal.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.drawn = true;
  }

  private erase(): void {
    if (!this.drawn) return;
    this.terminal.write('\r\x1b[2K');
    this.drawn = false;
  }
}
