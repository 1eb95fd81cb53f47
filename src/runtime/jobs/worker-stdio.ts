import { parentPort } from 'node:worker_threads';

/**
 * The process's stdout and stderr as a worker thread's print sinks see them. A pooled worker
 * outlives the job, so what it prints must reach the process before the job is reported ended:
 * Node's own worker stdio travels on another port than the worker's messages and may arrive after
 * them. Text goes instead as 'stdio' messages on the port the 'ended' message follows, in order;
 * the main thread writes it out and acknowledges each write once flushed, and a worker with more
 * than HIGH_WATER_MARK characters unacknowledged makes its print sink wait (as a full pipe would).
 */

export type StdioStream = 'stdout' | 'stderr';

const HIGH_WATER_MARK = 1 << 20;

/** What a print sink writes to (structurally src/connectors/print PrintTarget). */
export interface StdioTarget {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

class ForwardedStdio implements StdioTarget {
  private unacknowledged = 0;
  private drainListeners: (() => void)[] = [];

  constructor(private readonly stream: StdioStream) {}

  write(chunk: string): boolean {
    this.unacknowledged += chunk.length;
    parentPort!.postMessage({ t: 'stdio', stream: this.stream, text: chunk });
    return this.unacknowledged < HIGH_WATER_MARK;
  }

  once(_event: 'drain', listener: () => void): this {
    if (this.unacknowledged < HIGH_WATER_MARK) queueMicrotask(listener);
    else this.drainListeners.push(listener);
    return this;
  }

  written(characters: number): void {
    this.unacknowledged -= characters;
    if (this.unacknowledged < HIGH_WATER_MARK) for (const l of this.drainListeners.splice(0)) l();
  }
}

let forwarded: { stdout: ForwardedStdio; stderr: ForwardedStdio } | undefined;

/** Called by worker-main: this thread is one of weir's workers, whose parent writes what it prints. */
export function forwardStdioToParent(): void {
  forwarded ??= { stdout: new ForwardedStdio('stdout'), stderr: new ForwardedStdio('stderr') };
}

/**
 * stdout and stderr: forwarded to the main thread in a weir worker, the process's own elsewhere
 * (the main thread, or a thread of the application embedding weir).
 */
export function processStdio(): { stdout: StdioTarget; stderr: StdioTarget } {
  return forwarded ?? { stdout: process.stdout, stderr: process.stderr };
}

/** In a worker: the main thread has flushed `characters` of what `stream` forwarded. */
export function stdioWritten(stream: StdioStream, characters: number): void {
  forwarded?.[stream].written(characters);
}
