import { WeirError } from '../../common/errors.js';
import { stringifyState } from '../../common/serde.js';
import type { SqlSession } from '../../planner/index.js';
import { type ClusterEntry, readCluster } from '../cluster-registry.js';
import { EXIT_OK } from '../errors.js';
import { restCall } from '../rest-client.js';
import { printStatementOutput } from '../script.js';
import type { JobSubmission } from './cluster.js';
import type { CliIO } from './run.js';

/**
 * `weir run -d -f job.sql`: the script is planned here, statement by statement as in the
 * foreground, and each INSERT's JobGraph is submitted to the session cluster, which runs it; the
 * command prints the job ids and returns (Flink's detached mode). Jobs submitted before a failing
 * statement keep running, as they would have in Flink.
 */
export async function runDetached(
  cluster: ClusterEntry,
  session: SqlSession,
  text: string,
  file: string,
  io: CliIO,
): Promise<number> {
  const info = (message: string) => io.stderr.write(`[INFO] ${message}\n`);
  for (const statement of session.parseScript(text, file)) {
    const result = session.execute(statement);
    switch (result.kind) {
      case 'job': {
        if (result.resultColumns)
          throw new WeirError(
            'CLI_DETACHED_SELECT',
            'A SELECT has no table to write to, and a detached job has no terminal to show its rows',
            { hint: 'INSERT INTO a table, or run the script without -d.' },
          );
        const submission: JobSubmission = { jobGraph: stringifyState(result.jobGraph) };
        const answer = await restCall(cluster.rest, 'POST', '/jobs', submission, 'the cluster');
        const jobId = String(answer.jobUrl).split('/').pop();
        io.stdout.write(`Job has been submitted with JobID ${jobId}\n`);
        break;
      }
      default:
        printStatementOutput(result, io.stdout, info);
    }
  }
  return EXIT_OK;
}

/** The cluster `weir run -d` submits to; checked before the script is read, so nothing runs in vain. */
export async function requireCluster(): Promise<ClusterEntry> {
  const cluster = await readCluster();
  if (!cluster)
    throw new WeirError('CLUSTER_NOT_RUNNING', 'No weir cluster is running to submit the job to', {
      hint: 'Start one with `weir cluster start`, or run without -d to run the job in this process.',
    });
  return cluster;
}
