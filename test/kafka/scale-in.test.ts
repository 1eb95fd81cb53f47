import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Admin } from '@platformatic/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaClientSettings } from '../../src/connectors/kafka/client.js';
import { TransactionAdmin } from '../../src/connectors/kafka/transactions.js';
import { latestCompletedCheckpoint } from '../../src/testing/crash-loop.js';
import { startWeir } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';
import { brokers, createTopic, readTopic, unique } from './kafka-helpers.js';

// Recovery of the exactly-once Kafka sink after a SIGKILL and a restore at a lower parallelism
// (scale-in): the restored sink commits the pre-committed transactions of both old subtasks and
// aborts the open ones, also those of subtask 1, which no longer exists. Runs bin/weir.js.
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-kafka-scale-in-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Open transactions of this prefix, as the brokers list them. */
async function ongoing(prefix: string): Promise<string[]> {
  const servers = brokers().join(',');
  const txns = new TransactionAdmin(
    kafkaClientSettings({ 'properties.bootstrap.servers': servers }, 't'),
    'weir-test',
  );
  const admin = new Admin({ clientId: 'weir-test', bootstrapBrokers: brokers() });
  try {
    const all = await txns.ongoing([...(await admin.metadata({ topics: [] })).brokers.values()]);
    return all.filter((id) => id.startsWith(`${prefix}-`));
  } finally {
    await admin.close();
    await txns.close();
  }
}

const checkpointNumber = (path: string) => Number(/chk-(\d+)$/.exec(path)![1]);

describe('exactly-once Kafka sink, SIGKILLed at parallelism 2 and restored at parallelism 1', () => {
  it('commits what the checkpoint pre-committed, aborts the lingering transactions of the vanished subtask, and every record is there once', async () => {
    const topic = unique('weir-scale-in');
    const prefix = unique('weir-scale-in');
    await createTopic(topic, 2);
    const rows = 15_000;
    const job = join(dir, 'job.sql');
    await writeFile(
      job,
      `CREATE TABLE src (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '1500',
         'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}');
       CREATE TABLE out (id BIGINT) WITH ('connector' = 'kafka', 'topic' = '${topic}',
         'properties.bootstrap.servers' = '${brokers().join(',')}', 'format' = 'json',
         'sink.delivery-guarantee' = 'exactly-once', 'sink.transactional-id-prefix' = '${prefix}');
       INSERT INTO out SELECT id FROM src;\n`,
    );
    const checkpoints = join(dir, 'checkpoints');
    const args = [
      'run',
      '-f',
      job,
      '-D',
      'execution.checkpointing.interval=2s',
      '-D',
      `state.checkpoints.dir=${checkpoints}`,
      '-D',
      'restart-strategy.type=none',
    ];
    const first = startWeir([...args, '-p', '2']);
    // Killed while subtask 1 has a transaction open that no completed checkpoint knows of.
    let lingering: string[] = [];
    try {
      lingering = await waitFor(
        async () => {
          const latest = (await latestCompletedCheckpoint(checkpoints)).path;
          if (!latest) return undefined;
          const open = (await ongoing(`${prefix}-1`)).filter(
            (id) => Number(id.split('-').at(-1)) > checkpointNumber(latest),
          );
          return open.length > 0 ? open : undefined;
        },
        {
          what: `an open transaction of subtask 1 (stderr: ${first.stderr})`,
          timeoutMs: 40_000,
          intervalMs: 50,
        },
      );
    } finally {
      first.child.kill('SIGKILL');
    }
    await first.exit;
    const restoreFrom = (await latestCompletedCheckpoint(checkpoints)).path!;
    const committedBefore = (await readTopic(topic)).length;
    // A read_uncommitted consumer sees the open transactions' records, a read_committed one does not.
    expect((await readTopic(topic, 'read_uncommitted')).length).toBeGreaterThan(committedBefore);
    expect(committedBefore).toBeLessThan(rows);

    const second = startWeir([...args, '-p', '1', '-s', restoreFrom]);
    expect(await second.exit, second.stderr).toBe(0);
    for (const id of lingering)
      expect(second.stderr).toContain(`Aborted lingering Kafka transaction '${id}'`);
    expect(await ongoing(prefix)).toEqual([]);
    const ids = (await readTopic(topic)).map((r) => JSON.parse(r.value).id as number).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: rows }, (_, i) => i + 1));
    // The aborted records stay in the log: read_uncommitted still sees them, read_committed never.
    expect((await readTopic(topic, 'read_uncommitted')).length).toBeGreaterThan(rows);
  }, 120_000);
});
