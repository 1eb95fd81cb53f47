import { basename } from 'node:path';
import { afterAll, beforeAll, inject } from 'vitest';
import {
  createDatabase,
  type KafkaConnection,
  type PostgresConnection,
  type TestDatabase,
} from '../../src/testing/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's Kafka broker; null when WEIR_TEST_INFRA=none skipped it. */
    kafka: KafkaConnection | null;
    /** The run's PostgreSQL (two-phase commit enabled); null when WEIR_TEST_INFRA=none skipped it. */
    postgres: PostgresConnection | null;
  }
}

const skipped = (what: string) =>
  new Error(
    `this test needs ${what}, but WEIR_TEST_INFRA=none told test/infra/global-setup.ts not to start it`,
  );

/** The Kafka broker test/infra/global-setup.ts started for this run. */
export function kafkaConnection(): KafkaConnection {
  const kafka = inject('kafka');
  if (!kafka) throw skipped('Kafka');
  return kafka;
}

/** The PostgreSQL server test/infra/global-setup.ts found or started for this run. */
export function postgresConnection(): PostgresConnection {
  const postgres = inject('postgres');
  if (!postgres) throw skipped('PostgreSQL');
  return postgres;
}

/**
 * A fresh database for the calling test file, created before its tests and dropped after them
 * (with any prepared transactions left in it). Call at the top level of a test file:
 *
 *   const db = useTestDatabase(import.meta.url);
 *   it('…', async () => { const client = new pg.Client(db().url); … });
 */
export function useTestDatabase(hint: string): () => TestDatabase {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createDatabase(postgresConnection(), basename(hint));
  });
  afterAll(async () => {
    await db?.drop();
  });
  return () => {
    if (!db) throw new Error('useTestDatabase(): the database exists only inside tests and hooks');
    return db;
  };
}
