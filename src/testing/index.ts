/**
 * weir/testing: a real Kafka broker and a real PostgreSQL for tests, provisioned on demand.
 *
 *   import { startKafka, startPostgres, createDatabase } from 'weir/testing';
 *   const kafka = await startKafka();        // kafka.bootstrapServers, kafka.brokers; await kafka.stop()
 *   const pg = await startPostgres();        // pg.url; await pg.stop()
 *   const db = await createDatabase(pg, 'orders-test');  // db.url; await db.drop()
 *   const flink = await startFlink();        // flink.gatewayUrl, flink.restUrl; await flink.stop()
 *
 * Environment: WEIR_KAFKA_BOOTSTRAP and WEIR_PG_URL (and WEIR_FLINK_GATEWAY +
 * WEIR_FLINK_REST) use existing servers; WEIR_CACHE_DIR moves the
 * jar cache; WEIR_PG_BIN names PostgreSQL's bin folder; WEIR_TESTING_QUIET=1 silences the notices.
 */

export { type FlinkCluster, type FlinkConnection, type StartFlinkOptions, startFlink } from './flink.js';
export { DEFAULT_FLINK_VERSION, ensureFlinkLibs } from './flink-libs.js';
export { type KafkaBroker, type KafkaConnection, type StartKafkaOptions, startKafka } from './kafka.js';
export { DEFAULT_KAFKA_IMAGE } from './kafka-container.js';
export { DEFAULT_KAFKA_VERSION, ensureKafkaLibs } from './kafka-libs.js';
export {
  createDatabase,
  describeUrl,
  type PostgresConnection,
  type PostgresServer,
  type StartPostgresOptions,
  startPostgres,
  type TestDatabase,
} from './postgres.js';
