import type { TestProject } from 'vitest/node';
import { type KafkaBroker, type PostgresServer, startKafka, startPostgres } from '../../src/testing/index.js';

/**
 * Starts the run's Kafka broker and PostgreSQL once, side by side, and hands their addresses to the
 * test files (inject('kafka'), inject('postgres'), or the helpers in ./context.ts). Both honour
 * WEIR_KAFKA_BOOTSTRAP and WEIR_PG_URL; WEIR_TEST_INFRA=none starts neither, for quick unit-test loops.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  if (process.env.WEIR_TEST_INFRA === 'none') {
    project.provide('kafka', null);
    project.provide('postgres', null);
    return async () => {};
  }
  const [kafka, postgres] = await Promise.allSettled([startKafka(), startPostgres()]);
  const running = [kafka, postgres].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const stopAll = async () => {
    await Promise.all(running.map((s) => s.stop()));
  };
  if (kafka.status === 'rejected' || postgres.status === 'rejected') {
    await stopAll();
    throw kafka.status === 'rejected' ? kafka.reason : (postgres as PromiseRejectedResult).reason;
  }
  project.provide('kafka', connectionOf(kafka.value));
  project.provide('postgres', connectionOfPg(postgres.value));
  return stopAll;
}

// provide() takes plain data: the values are sent to the test processes.
const connectionOf = ({ bootstrapServers, brokers, host, port }: KafkaBroker) => ({
  bootstrapServers,
  brokers,
  host,
  port,
});
const connectionOfPg = ({ url, host, port, user, database }: PostgresServer) => ({
  url,
  host,
  port,
  user,
  database,
});
