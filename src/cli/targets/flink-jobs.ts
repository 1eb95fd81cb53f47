import type { JobEntry } from '../job-registry.js';
import { restCall } from '../rest-client.js';
import type { FlinkTarget } from './flink.js';

export type { FlinkTarget } from './flink.js';

/** States `flink list` shows as running: the job is neither finished nor failed nor cancelled. */
const ACTIVE = new Set([
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'RESTARTING',
  'FAILING',
  'CANCELLING',
  'RECONCILING',
]);

/**
 * The active jobs of a Flink cluster, from its REST API (GET /jobs/overview), in the shape of weir's
 * job registry, so `weir list/savepoint/stop/cancel --target flink=<rest url>` reuse weir's commands:
 * both speak Flink's REST paths for savepoints, stop and cancel.
 */
export async function listFlinkJobs(target: FlinkTarget): Promise<JobEntry[]> {
  const overview = (await restCall(target.url, 'GET', '/jobs/overview', undefined, 'the Flink cluster')) as {
    jobs?: { jid: string; name: string; state: string; 'start-time': number }[];
  };
  return (overview.jobs ?? [])
    .filter((j) => ACTIVE.has(j.state))
    .map((j) => ({ jobId: j.jid, jobName: j.name, pid: -1, rest: target.url, startTime: j['start-time'] }));
}
