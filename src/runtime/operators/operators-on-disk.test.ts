/**
 * The operator tests again, on the disk-backed keyed state backend (with a tiny memtable, so
 * state goes through sorted run files, flushes and compactions): operators must run unchanged on
 * either backend. createTestBackend (state/test-backend.ts) reads this variable.
 */
import { afterAll } from 'vitest';
import { disposeTestBackends } from '../state/test-backend.js';

process.env.WEIR_TEST_STATE_BACKEND = 'rocksdb';
afterAll(disposeTestBackends);

await import('./group-aggregate/operator.test.js');
await import('./group-aggregate/mini-batch.test.js');
await import('./sink-upsert-materializer/sink-upsert-materializer.test.js');
await import('./window/window-aggregate.test.js');
await import('./window/window-rank.test.js');
await import('./over-aggregate/operator.test.js');
await import('./rank/rank.test.js');
await import('./rank/deduplicate.test.js');
await import('./join/streaming-join.test.js');
await import('./join/semi-anti-join.test.js');
await import('./join/interval-join.test.js');
await import('./join/window-join.test.js');
await import('./join/temporal-join.test.js');
await import('../time/timer-service.test.js');
