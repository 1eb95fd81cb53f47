import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/cli/session.js';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { FileSystemSourceReader } from '../../src/connectors/filesystem/index.js';
import { executeJob, type RuntimeConnector } from '../../src/runtime/index.js';
import { PausingSource, RestoreControl } from './streaming.js';

const quiet = { write: () => true, once: () => undefined };
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `INSERT INTO dst SELECT …` from a csv file into a filesystem sink, optionally failing once mid-run. */
async function run(parallelism: number, fail: boolean, extraOptions = '') {
  const { session, runtimeConnectors } = createSession(
    [
      ['parallelism.default', String(parallelism)],
      ['execution.checkpointing.interval', fail ? '20 ms' : '1 h'],
      ['restart-strategy.type', 'fixed-delay'],
      ['restart-strategy.fixed-delay.delay', '0 ms'],
    ],
    { stdout: quiet, stderr: quiet },
  );
  let job: JobGraph | undefined;
  for (const s of session.parseScript(`
    CREATE TABLE src (n INT, word STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/in', 'format' = 'csv');
    CREATE TABLE dst (n INT, word STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/out', 'format' = 'csv'${extraOptions});
    INSERT INTO dst SELECT n, UPPER(word) FROM src WHERE n % 3 <> 0;`)) {
    const r = session.execute(s);
    if (r.kind === 'job') job = r.jobGraph;
  }
  const connectors = new Map<string, RuntimeConnector>(runtimeConnectors);
  if (fail) {
    const control = new RestoreControl();
    const fs = runtimeConnectors.get('filesystem')!;
    connectors.set('filesystem', {
      ...fs,
      source: {
        createReader: (spec) =>
          new PausingSource(new FileSystemSourceReader(spec, { maxBatchRows: 25 }), control),
      },
    });
  }
  const result = await executeJob(job!, { connectors, log: { info: () => {}, warn: () => {} } }).result;
  expect(result.status, result.error?.message).toBe('FINISHED');
  return result;
}

/** The visible (committed) lines under the sink's path. */
function committedLines(): string[] {
  const out = join(dir, 'out');
  return readdirSync(out)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) =>
      readFileSync(join(out, f), 'utf8')
        .split('\n')
        .filter((l) => l !== ''),
    )
    .sort();
}

function writeInput(): string[] {
  dir = mkdtempSync(join(tmpdir(), 'weir-fs-sink-'));
  const rows = Array.from({ length: 300 }, (_, i) => `${i},w${i}`);
  // Three files, so that parallel readers each have a split.
  mkdirSync(join(dir, 'in'));
  for (let f = 0; f < 3; f++)
    writeFileSync(join(dir, 'in', `f${f}.csv`), rows.slice(f * 100, f * 100 + 100).join('\n'));
  return rows
    .map((r) => r.split(','))
    .filter(([n]) => Number(n) % 3 !== 0)
    .map(([n, w]) => `${n},${w.toUpperCase()}`)
    .sort();
}

describe('filesystem sink', () => {
  it('commits part files at the end of a bounded job', async () => {
    const expected = writeInput();
    await run(2, false);
    expect(committedLines()).toEqual(expected);
    expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.inprogress'))).toEqual([]);
  });

  it('is exactly-once across a failure and a restore from a mid-run checkpoint, with small rolled files', async () => {
    const expected = writeInput();
    const result = await run(3, true, ", 'sink.rolling-policy.file-size' = '200b'");
    expect(result.restarts).toBe(1);
    expect(committedLines()).toEqual(expected);
    expect(readdirSync(join(dir, 'out')).filter((f) => !f.startsWith('.')).length).toBeGreaterThan(3);
    // The failed attempt's uncommitted in-progress files were deleted on restart.
    expect(readdirSync(join(dir, 'out')).filter((f) => f.endsWith('.inprogress'))).toEqual([]);
  });
});
