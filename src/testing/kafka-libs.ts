import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { ensureMavenLibs } from './maven-libs.js';
import { PACKAGE_ROOT } from './paths.js';

/** Newest Kafka 3.9 on Maven Central. Kafka 4 dropped protocol versions kafkajs 2.2 still sends. */
export const DEFAULT_KAFKA_VERSION = '3.9.2';

/**
 * The `libs/` folder of a Kafka broker of `version`, downloaded with Maven on first use into
 * `<cache>/kafka/<version>/libs` (see ensureMavenLibs for how a half download is never used).
 */
export async function ensureKafkaLibs(version = DEFAULT_KAFKA_VERSION): Promise<string> {
  if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(version)) {
    throw new WeirError(
      'TESTING_KAFKA_VERSION',
      `'${version}' is not a Kafka version such as ${DEFAULT_KAFKA_VERSION}`,
    );
  }
  return ensureMavenLibs({
    product: 'Apache Kafka',
    cacheName: 'kafka',
    version,
    pom: join(PACKAGE_ROOT, 'scripts', 'kafka', 'pom.xml'),
    properties: { 'kafka.version': version },
    expectedJarPrefix: `kafka_2.13-${version}`,
    alternative: 'point WEIR_KAFKA_BOOTSTRAP at a running broker',
    artifact: 'org.apache.kafka:kafka_2.13',
  });
}
