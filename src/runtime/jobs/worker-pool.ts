import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { compiledModuleUrl } from '../../common/compiled-module.js';

/**
 * The process's worker threads, started once and reused: by the next attempt of a job that fails
 * over and by the next job (the session cluster, a test run), as a Flink TaskManager's slots
 * outlive the jobs they run. Starting a worker (a V8 isolate that loads weir's modules) costs
 * hundreds of milliseconds; taking an idle one costs nothing.
 *
 * A worker goes back to the pool only after it reported 'ended' (every task of its attempt closed
 * and its channels released); one that had to be terminated, or died, is not reused. Idle workers
 * do not keep the process alive.
 */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private started = 0;
  /** Each live worker's event-loop figures when it was last leased: utilisation is since then. */
  private readonly leasedAt = new Map<Worker, { name: string; since: EventLoopUtilization }>();

  /** An idle worker, or a new one. */
  acquire(): Worker {
    const reused = this.idle.pop();
    if (reused) {
      reused.ref();
      const name = this.leasedAt.get(reused)!.name;
      this.leasedAt.set(reused, { name, since: reused.performance.eventLoopUtilization() });
      return reused;
    }
    const name = `weir worker ${this.started++}`;
    const worker = new Worker(new URL(compiledModuleUrl('./worker-main.js', import.meta.url)), { name });
    // While leased, the attempt's own listener reports an error (a thread that died fails the
    // attempt); while idle, the worker just leaves the pool when it exits.
    worker.on('error', () => {});
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      this.leasedAt.delete(worker);
    });
    // Before it is online the figures are all zero: its start-up counts as busy time of the lease.
    this.leasedAt.set(worker, { name, since: worker.performance.eventLoopUtilization() });
    return worker;
  }

  /** A worker whose tasks have all ended, ready for the next attempt. */
  release(worker: Worker): void {
    worker.unref();
    this.idle.push(worker);
  }

  /**
   * How busy each live worker's event loop was since it was last leased (a bench's figure: a
   * worker that waits on its peers shows idle time). Utilisation is active / (active + idle).
   */
  utilization(): { readonly name: string; readonly utilization: number; readonly activeMs: number }[] {
    return [...this.leasedAt].map(([worker, { name, since }]) => {
      const elu = worker.performance.eventLoopUtilization(since);
      return { name, utilization: elu.utilization, activeMs: elu.active };
    });
  }

  /** How many workers wait for work. */
  get idleCount(): number {
    return this.idle.length;
  }

  /** How many workers this process has started. */
  get startedCount(): number {
    return this.started;
  }
}

export const workerPool = new WorkerPool();

/** How busy each worker thread's event loop was during its current or last lease (benchmarks). */
export function workerThreadUtilization(): ReturnType<WorkerPool['utilization']> {
  return workerPool.utilization();
}
