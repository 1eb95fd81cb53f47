import { createSession } from '../../src/api/session.js';
import { type JobClient, submitJob } from '../../src/runtime/index.js';

/** Plans a SQL script as `weir run` does and starts its INSERT; print output is collected. */
export async function startSqlJob(
  script: string,
  properties: Record<string, string> = {},
): Promise<{ job: JobClient; printed: string[]; logs: string[] }> {
  const printed: string[] = [];
  const logs: string[] = [];
  const target = {
    write: (chunk: string) => {
      printed.push(...chunk.split('\n').filter((l) => l !== ''));
      return true;
    },
    once: () => undefined,
  };
  const { session, runtimeConnectors } = createSession(Object.entries(properties), {
    stdout: target,
    stderr: target,
  });
  let job: JobClient | undefined;
  for (const statement of session.parseScript(script, 'test.sql')) {
    const result = session.execute(statement);
    if (result.kind === 'job') {
      job = await submitJob(result.jobGraph, {
        connectors: runtimeConnectors,
        log: { info: (m) => logs.push(m), warn: (m) => logs.push(`WARN ${m}`) },
      });
    }
  }
  if (!job) throw new Error('the script has no INSERT');
  return { job, printed, logs };
}
