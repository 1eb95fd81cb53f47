import { WeirError } from '../common/errors.js';
import type { KafkaBroker } from './kafka-types.js';
import { notice, seconds } from './notice.js';

/** Confluent Platform 7.9 is Apache Kafka 3.9, the line the local broker uses too. */
export const DEFAULT_KAFKA_IMAGE = 'confluentinc/cp-kafka:7.9.0';
const KAFKA_PORT = 9093;

/** The slice of `@testcontainers/kafka` used here; it is an optional peer, so it has no types at build time. */
interface StartedContainer {
  getHost(): string;
  getMappedPort(port: number): number;
  getBootstrapServers?(): string;
  stop(): Promise<unknown>;
}
interface ContainerBuilder {
  withKraft?(): ContainerBuilder;
  start(): Promise<StartedContainer>;
}
interface KafkaModule {
  KafkaContainer: new (image: string) => ContainerBuilder;
}

export async function startContainerKafka(image = DEFAULT_KAFKA_IMAGE): Promise<KafkaBroker> {
  const started = Date.now();
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = '@testcontainers/kafka';
  let mod: KafkaModule;
  try {
    mod = (await import(specifier)) as KafkaModule;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
      throw new WeirError(
        'TESTING_CONTAINER',
        'startKafka({ container: true }) needs @testcontainers/kafka: run `npm install --save-dev @testcontainers/kafka`',
        { kind: 'external', cause: err },
      );
    }
    throw err;
  }
  let container: StartedContainer;
  try {
    let builder = new mod.KafkaContainer(image);
    // Confluent images start ZooKeeper unless asked for KRaft; apache/kafka images are KRaft only.
    if (image.startsWith('confluentinc/') && builder.withKraft) builder = builder.withKraft();
    container = await builder.start();
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const noEngine = /container runtime|docker|ENOENT|ECONNREFUSED|socket/i.test(message);
    throw new WeirError(
      'TESTING_CONTAINER',
      noEngine
        ? `startKafka({ container: true }) found no working Docker engine: ${message.split('\n')[0]}`
        : `the Kafka container (${image}) did not start: ${message.split('\n')[0]}`,
      {
        kind: 'external',
        hint: 'start Docker, or call startKafka() without `container` to run a local broker',
        cause: err,
      },
    );
  }
  const bootstrapServers =
    container.getBootstrapServers?.().replace(/^PLAINTEXT:\/\//, '') ??
    `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`;
  const [host, port] = splitHostPort(bootstrapServers.split(',')[0]);
  notice(`started a Kafka container (${image}) on ${bootstrapServers} in ${seconds(started)}`);
  let stopped: Promise<void> | undefined;
  return {
    mode: 'container',
    bootstrapServers,
    brokers: bootstrapServers.split(','),
    host,
    port,
    stop: () =>
      (stopped ??= container.stop().then(
        () => {},
        () => {},
      )),
  };
}

export function splitHostPort(address: string): [string, number] {
  const at = address.lastIndexOf(':');
  return [address.slice(0, at).replace(/^\[|\]$/g, ''), Number(address.slice(at + 1))];
}
