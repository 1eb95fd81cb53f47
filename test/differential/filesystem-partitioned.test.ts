import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSession } from '../../src/cli/session.js';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { FileSystemSourceReader } from '../../src/connectors/filesystem/index.js';
import { executeJob, type RuntimeConnector } from '../../src/runtime/index.js';
import { PausingSource, RestoreControl } from './streaming.js';

const quiet = { write: () => true, once: () => undefined };
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PARTITIONED = (
  path: string,
  extra = '',
) => `(n INT, word STRING, dt STRING, hm STRING) PARTITIONED BY (dt, hm)
  WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = 'csv',
        'sink.partition-commit.policy.kind' = 'success-file'${extra})`;

function session(parallelism: number, checkpointing: boolean) {
  return createSession(
    [
      ['parallelism.default', String(parallelism)],
      ...(checkpointing ? [['execution.checkpointing.interval', '20 ms'] as [string, string]] : []),
      ['restart-strategy.type', 'fixed-delay'],
      ['restart-strategy.fixed-delay.delay', '0 ms'],
    ],
    { stdout: quiet, stderr: quiet },
  );
}

/** Runs a script's INSERT; with `fail`, the source fails once after a checkpoint and the job restores. */
async function runScript(script: string, parallelism: number, fail = false) {
  const { session: s, runtimeConnectors } = session(parallelism, fail);
  let job: JobGraph | undefined;
  for (const statement of s.parseScript(script)) {
    const r = s.execute(statement);
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
  return { result, job: job! };
}

/** Input rows `n,word,dt,hm` over four partitions, one with characters Flink escapes in paths. */
function writeInput(): string[] {
  dir = mkdtempSync(join(tmpdir(), 'weir-fs-part-'));
  mkdirSync(join(dir, 'in'));
  const parts = [
    ['2024-01-01', '10:00'],
    ['2024-01-01', '10:01'],
    ['2024-01-02', '10:00'],
    ['2024-01-02', 'a/b=c'],
  ];
  const rows = Array.from({ length: 240 }, (_, i) => [i, `w${i}`, ...parts[i % parts.length]].join(','));
  for (let f = 0; f < 3; f++)
    writeFileSync(join(dir, 'in', `f${f}.csv`), rows.slice(f * 80, f * 80 + 80).join('\n'));
  return rows.sort();
}

/** Every visible file under `root`, as relative paths. */
function visibleFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (!e.name.startsWith('.')) out.push(relative(root, join(d, e.name)));
    }
  };
  walk(root);
  return out.sort();
}

const copyScript = (extra = '') => `
  CREATE TABLE src (n INT, word STRING, dt STRING, hm STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/in', 'format' = 'csv');
  CREATE TABLE dst ${PARTITIONED(`${dir}/out`, extra)};
  INSERT INTO dst SELECT * FROM src;`;

/** Reads the partitioned table back through the filesystem source into one unpartitioned file set. */
async function readBack(): Promise<string[]> {
  await runScript(
    `CREATE TABLE p ${PARTITIONED(`${dir}/out`)};
     CREATE TABLE flat (n INT, word STRING, dt STRING, hm STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}/flat', 'format' = 'csv');
     INSERT INTO flat SELECT * FROM p;`,
    2,
  );
  return visibleFiles(join(dir, 'flat'))
    .flatMap((f) => readFileSync(join(dir, 'flat', f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

describe('partitioned filesystem tables', () => {
  it('writes k=v directories with escaped values, files without the partition columns, and success files', async () => {
    const expected = writeInput();
    const { job } = await runScript(copyScript(), 2);
    expect(job.vertices.map((v) => v.operator.kind)).toContain('sink-committer');
    const files = visibleFiles(join(dir, 'out'));
    const partitions = [...new Set(files.map((f) => f.split('/').slice(0, 2).join('/')))].sort();
    expect(partitions).toEqual([
      'dt=2024-01-01/hm=10%3A00',
      'dt=2024-01-01/hm=10%3A01',
      'dt=2024-01-02/hm=10%3A00',
      'dt=2024-01-02/hm=a%2Fb%3Dc',
    ]);
    for (const p of partitions) expect(existsSync(join(dir, 'out', p, '_SUCCESS')), p).toBe(true);
    const firstPart = files.find((f) => f.startsWith('dt=2024-01-01/hm=10%3A00/part-'))!;
    expect(readFileSync(join(dir, 'out', firstPart), 'utf8').split('\n')[0]).toMatch(/^\d+,w\d+$/);
    expect(await readBack()).toEqual(expected);
  });

  it('is exactly-once across a failure and a restore, and every partition gets its success file', async () => {
    const expected = writeInput();
    const { result } = await runScript(copyScript(", 'sink.rolling-policy.file-size' = '100b'"), 3, true);
    expect(result.restarts).toBe(1);
    expect(await readBack()).toEqual(expected);
    const out = join(dir, 'out');
    for (const dt of readdirSync(out))
      for (const hm of readdirSync(join(out, dt))) {
        expect(existsSync(join(out, dt, hm, '_SUCCESS'))).toBe(true);
        expect(readdirSync(join(out, dt, hm)).filter((f) => f.endsWith('.inprogress'))).toEqual([]);
      }
  });

  it("rejects a 'metastore' policy and a policy on a table without partitions, at the table's name", () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-fs-part-'));
    const plan = (ddl: string) => () => {
      const { session: s } = session(1, false);
      for (const statement of s.parseScript(
        `${ddl}; CREATE TABLE v (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '1'); INSERT INTO t SELECT n, 'x', 'y', 'z' FROM v;`,
      ))
        s.execute(statement);
    };
    expect(plan(`CREATE TABLE t ${PARTITIONED(dir).replace("'success-file'", "'metastore'")}`)).toThrow(
      /Can not configure a 'metastore' partition commit policy for a file system table/,
    );
    expect(
      plan(
        `CREATE TABLE t (n INT, word STRING, dt STRING, hm STRING) WITH ('connector' = 'filesystem', 'path' = '${dir}', 'format' = 'csv', 'sink.partition-commit.policy.kind' = 'success-file')`,
      ),
    ).toThrow(/has no PARTITIONED BY columns/);
  });
});
