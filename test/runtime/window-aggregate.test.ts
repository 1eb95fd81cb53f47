import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JobGraph } from '../../src/common/jobgraph.js';
import { builtinConnectors } from '../../src/connectors/registry.js';
import { SqlSession } from '../../src/planner/session.js';
import { executeJob, loadCheckpointMetadata, type RuntimeConnector } from '../../src/runtime/index.js';
import { type CommittedStore, CommittingSink, committedRows, failOnce } from '../helpers/committing-sink.js';
import { waitFor } from '../helpers/wait.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const ROWS = 3000;
const quiet = { write: () => true, once: () => undefined };
const builtins = builtinConnectors({ stdout: quiet, stderr: quiet });

/** Clicks 10 ms apart (ids 1..3000, 30 s of event time), three users; windows per user and second. */
function plan(sql: string, config: Record<string, string>, rowsPerSecond: number): JobGraph {
  const session = new SqlSession({ connectors: builtins.map((c) => c.descriptor) });
  const sets = Object.entries(config)
    .map(([k, v]) => `SET '${k}' = '${v}';`)
    .join('\n');
  const results = session.executeScript(`CREATE TABLE clicks (
      id BIGINT,
      user_id AS id % 3,
      ts AS TIMESTAMP '2024-01-01 00:00:00' + id * INTERVAL '0.01' SECOND,
      WATERMARK FOR ts AS ts
    ) WITH ('connector' = 'datagen', 'rows-per-second' = '${rowsPerSecond}', 'fields.id.kind' = 'sequence',
      'fields.id.start' = '1', 'fields.id.end' = '${ROWS}');
    CREATE TABLE out (user_id BIGINT, cnt BIGINT, total BIGINT, window_end TIMESTAMP(3)) WITH ('connector' = 'collect');
    ${sets}
    ${sql}`);
  const last = results[results.length - 1];
  if (last.kind !== 'job') throw new Error(last.kind);
  return last.jobGraph;
}

const TUMBLE = `INSERT INTO out SELECT user_id, COUNT(*), SUM(id), window_end
  FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND)) GROUP BY user_id, window_start, window_end`;
const SESSION = `INSERT INTO out SELECT user_id, COUNT(*), SUM(id), SESSION_END(ts, INTERVAL '1' SECOND)
  FROM clicks GROUP BY user_id, SESSION(ts, INTERVAL '1' SECOND)`;

/** [user, count, sum of ids, window end (epoch ms)] of every 1-second tumbling window. */
function expectedTumbling(): unknown[][] {
  const windows = new Map<string, unknown[]>();
  for (let id = 1; id <= ROWS; id++) {
    const end = Date.UTC(2024, 0, 1) + (Math.floor((id * 10) / 1000) + 1) * 1000;
    const key = `${id % 3}|${end}`;
    const [, cnt, total] = (windows.get(key) ?? [id % 3, 0, 0, end]) as number[];
    windows.set(key, [id % 3, cnt + 1, total + id, end]);
  }
  return [...windows.values()].sort(byRow);
}

const byRow = (a: unknown[], b: unknown[]) => JSON.stringify(a).localeCompare(JSON.stringify(b));

function connectors(committed: CommittedStore, failWhen?: (row: unknown[]) => boolean) {
  const fail = failWhen ? failOnce(failWhen) : undefined;
  return new Map<string, RuntimeConnector>([
    ...builtins.map((c) => [c.runtime.identifier, c.runtime] as const),
    [
      'collect',
      {
        identifier: 'collect',
        sink: { createWriter: () => new CommittingSink(committed, { failWhen: fail }) },
      },
    ],
  ]);
}

const log = { info: () => {}, warn: () => {} };

describe('window aggregation in a job', () => {
  it.each([
    ['TUMBLE', TUMBLE],
    ['SESSION', SESSION],
  ])(
    '%s: after a failover, restored from the last checkpoint, every window is committed exactly once',
    async (_, sql) => {
      const committed: CommittedStore = new Map();
      const config = {
        'parallelism.default': '2',
        'execution.checkpointing.interval': '10ms',
        'execution.checkpointing.storage': 'jobmanager',
        'restart-strategy.type': 'fixed-delay',
        'restart-strategy.fixed-delay.delay': '0 ms',
      };
      // TUMBLE fails when user 1's window ending at 00:00:12 is written: mid-run, with windows open.
      // The sessions only close at the end of input: it fails writing user 1's, the others' open.
      const failAt = Date.UTC(2024, 0, 1) + 12_000;
      const job = executeJob(plan(sql, config, 3000), {
        connectors: connectors(committed, (row) => row[0] === 1 && (sql === SESSION || row[3] === failAt)),
        log,
      });
      const result = await job.result;
      expect(result.status).toBe('FINISHED');
      expect(result.restarts).toBe(1);
      // Ids are 10 ms apart and sessions close after 1 s of silence: one session per user, all ids.
      const expected =
        sql === TUMBLE
          ? expectedTumbling()
          : [0, 1, 2].map((u) => {
              const ids = Array.from({ length: ROWS }, (_, i) => i + 1).filter((id) => id % 3 === u);
              return [
                u,
                ids.length,
                ids.reduce((a, b) => a + b, 0),
                Date.UTC(2024, 0, 1) + ids[ids.length - 1] * 10 + 1000,
              ];
            });
      expect(committedRows(committed).sort(byRow)).toEqual(expected.sort(byRow));
    },
    60_000,
  );

  it('a savepoint taken mid-run restores at another parallelism: every window exactly once', async () => {
    const base = await mkdtemp(join(tmpdir(), 'weir-windows-'));
    dirs.push(base);
    const committed: CommittedStore = new Map();
    const config = { 'execution.checkpointing.interval': '20ms', 'state.checkpoints.dir': `file://${base}` };
    const first = executeJob(plan(TUMBLE, { ...config, 'parallelism.default': '2' }, 1500), {
      connectors: connectors(committed),
      log,
    });
    await waitFor(() => committedRows(committed).length >= 6, { what: 'two seconds of windows committed' });
    const { savepoint } = await first.stop({ savepointDirectory: join(base, 'sp') });
    const before = committedRows(committed).length;
    expect(before).toBeLessThan(expectedTumbling().length);
    const resumed = executeJob(plan(TUMBLE, { ...config, 'parallelism.default': '3' }, 1_000_000), {
      connectors: connectors(committed),
      log,
      restoreFrom: await loadCheckpointMetadata(savepoint!),
    });
    expect((await resumed.result).status).toBe('FINISHED');
    expect(committedRows(committed).sort(byRow)).toEqual(expectedTumbling());
  }, 60_000);
});
