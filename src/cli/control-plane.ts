import type { Configuration } from '../common/config.js';
import type { JobGraph } from '../common/jobgraph.js';
import { REST_BIND_ADDRESS, REST_PORT } from '../common/options.js';
import { type ClusterHandlers, type JobClient, RestServer } from '../runtime/index.js';
import { registerJob, unregisterJob } from './job-registry.js';

/**
 * The REST API a foreground `weir run` (or a session cluster) serves while its jobs run, and the
 * registry entries that let `weir list | savepoint | stop | cancel` in another terminal find them.
 */
export class ControlPlane {
  private server?: RestServer;
  private url?: string;
  private readonly registered = new Set<string>();

  constructor(
    private readonly info: (message: string) => void,
    private readonly cluster?: ClusterHandlers,
  ) {}

  /** Starts the API (once) and returns its base URL. */
  async listen(config: Configuration, port = config.require(REST_PORT)): Promise<string> {
    if (!this.server) {
      const server = new RestServer(this.cluster);
      this.url = await server.listen(port, config.require(REST_BIND_ADDRESS));
      this.server = server;
      this.info(`REST API at ${this.url}`);
    }
    return this.url!;
  }

  async expose(job: JobClient, graph: JobGraph, config: Configuration): Promise<void> {
    await this.listen(config);
    this.server!.register(job, graph);
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
