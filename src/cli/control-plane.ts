import type { Configuration } from '../common/config.js';
import type { JobGraph } from '../common/jobgraph.js';
import { REST_BIND_ADDRESS, REST_PORT } from '../common/options.js';
import { type JobClient, RestServer } from '../runtime/index.js';
import { registerJob, unregisterJob } from './job-registry.js';

/**
 * The REST API a foreground `weir run` serves while its jobs run, and the registry entries that
 * let `weir list | savepoint | stop | cancel` in another terminal find it.
 */
export class ControlPlane {
  private server?: RestServer;
  private url?: string;
  private readonly registered = new Set<string>();

  constructor(private readonly info: (message: string) => void) {}

  async expose(job: JobClient, graph: JobGraph, config: Configuration): Promise<void> {
    if (!this.server) {
      this.server = new RestServer();
      this.url = await this.server.listen(config.require(REST_PORT), config.require(REST_BIND_ADDRESS));
      this.info(`REST API at ${this.url}`);
    }
    this.server.register(job, graph);
    await registerJob({
      jobId: job.jobId,
      jobName: job.jobName,
      pid: process.pid,
      rest: this.url!,
      startTime: Date.now(),
    });
    this.registered.add(job.jobId);
    void job.result.then(() => this.forget(job.jobId));
  }

  private async forget(jobId: string): Promise<void> {
    if (this.registered.delete(jobId)) await unregisterJob(jobId);
  }

  async close(): Promise<void> {
    for (const jobId of [...this.registered]) await this.forget(jobId);
    await this.server?.close();
  }
}
