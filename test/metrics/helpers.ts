import { createSession } from '../../src/api/session.js';
import { type JobClient, RestServer, submitJob } from '../../src/runtime/index.js';

const quiet = { write: () => true, once: () => undefined };

/**
 * Plans a script as `weir run` does, starts its INSERT and serves it on a REST server at a free
 * port, as a foreground `weir run` does. `stop` cancels the job and closes the server.
 */
export async function startJobWithRest(
  script: string,
): Promise<{ job: JobClient; base: string; logs: string[]; stop: () => Promise<void> }> {
  const logs: string[] = [];
  const { session, runtimeConnectors } = createSession([], { stdout: quiet, stderr: quiet });
  const server = new RestServer();
  let job: JobClient | undefined;
  for (const statement of session.parseScript(script, 'job.sql')) {
    const result = session.execute(statement);
    if (result.kind !== 'job') continue;
    job = await submitJob(result.jobGraph, {
      connectors: runtimeConnectors,
      log: { info: (m) => logs.push(m), warn: (m) => logs.push(`WARN ${m}`) },
    });
    server.register(job, result.jobGraph);
  }
  if (!job) throw new Error('the script has no INSERT');
  const base = await server.listen(0, '127.0.0.1');
  const started = job;
  return {
    job: started,
    base,
    logs,
    stop: async () => {
      await started.cancel();
      await server.close(0);
    },
  };
}
