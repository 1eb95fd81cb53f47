import { WeirError } from '../common/errors.js';
import { splitHostPort, startContainerKafka } from './kafka-container.js';
import { startLocalKafka } from './kafka-local.js';
import type { KafkaBroker, StartKafkaOptions } from './kafka-types.js';
import { notice } from './notice.js';

export type { KafkaBroker, KafkaConnection, StartKafkaOptions } from './kafka-types.js';

/**
 * A Kafka broker for tests, in this order of preference:
 * - `WEIR_KAFKA_BOOTSTRAP=host:port[,…]`: that existing broker (stop() leaves it alone);
 * - `{ container: true }`: a Testcontainers Kafka container (needs `@testcontainers/kafka` and Docker);
 * - otherwise a local single-node KRaft broker on 127.0.0.1, from Kafka jars fetched with Maven into
 *   the cache on first use. It lives in a temp folder, logs there, and cannot outlive this process.
 */
export async function startKafka(options: StartKafkaOptions = {}): Promise<KafkaBroker> {
  const fromEnv = options.ignoreEnv ? undefined : process.env.WEIR_KAFKA_BOOTSTRAP?.trim();
  if (fromEnv) return externalKafka(fromEnv);
  if (options.container) {
    return startContainerKafka(typeof options.container === 'object' ? options.container.image : undefined);
  }
  return startLocalKafka(options);
}

function externalKafka(bootstrapServers: string): KafkaBroker {
  const brokers = bootstrapServers
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  const [host, port] = splitHostPort(brokers[0] ?? '');
  if (!host || !Number.isInteger(port) || port <= 0) {
    throw new WeirError(
      'TESTING_KAFKA_ENV',
      `WEIR_KAFKA_BOOTSTRAP='${bootstrapServers}' is not a list of host:port addresses`,
      { hint: 'for example WEIR_KAFKA_BOOTSTRAP=127.0.0.1:9092' },
    );
  }
  notice(`using the Kafka broker at ${brokers.join(',')} (WEIR_KAFKA_BOOTSTRAP)`);
  return {
    mode: 'external',
    bootstrapServers: brokers.join(','),
    brokers,
    host,
    port,
    stop: async () => {},
  };
}
