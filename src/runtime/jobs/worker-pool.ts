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

  /** An idle worker, or a new one. */
  acquire(): Worker {
    const reused = this.idle.pop();
    if (reused) {
      reused.ref();
      return reused;
    }
    const worker = new Worker(new URL(compiledModuleUrl('./worker-main.js', import.meta.url)), {
      name: `weir worker ${this.started++}`,
    });
    // While leased, the attempt's own listener reports an error (a thread that died fails the
    // attempt); while idle, the worker just leaves the pool when it exits.
    worker.on('error', () => {});
    worker.once('exit', () => {
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
    });
    return worker;
  }

  /** A worker whose tasks have all ended, ready for the next attempt. */
  release(worker: Worker): void {
    worker.unref();
    this.idle.push(worker);
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
