// Runs a SQL script's INSERT in this process, as the Kafka benchmarks do, and returns the seconds
// from submitting it to its end (start-up included). Run `npm run build` first.
import { createSession } from '../dist/api/session.js';
import { submitJob } from '../dist/runtime/index.js';

const quiet = { write: () => true, once: () => undefined };

export async function runBoundedJob(script, props) {
  const { session, runtimeConnectors } = createSession(Object.entries(props), {
    stdout: quiet,
    stderr: quiet,
  });
  const t0 = performance.now();
  let job;
  for (const s of session.parseScript(script, 'bench.sql')) {
    const r = session.execute(s);
    if (r.kind === 'job')
      job = await submitJob(r.jobGraph, {
        connectors: runtimeConnectors,
        log: { info() {}, warn: console.warn },
      });
  }
  const result = await job.result;
  if (result.status !== 'FINISHED') throw result.error ?? new Error(result.status);
  return (performance.now() - t0) / 1000;
}
