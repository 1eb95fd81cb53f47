import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { ensureMavenLibs } from './maven-libs.js';
import { PACKAGE_ROOT } from './paths.js';

/** Newest Flink 1.20 on Maven Central; the connectors in scripts/flink/pom.xml are built for 1.20. */
export const DEFAULT_FLINK_VERSION = '1.20.3';

/**
 * The `lib/` folder of a Flink session cluster with its SQL Gateway, the Kafka and JDBC connectors and
 * the PostgreSQL driver, downloaded with Maven on first use into `<cache>/flink/<version>/libs`. The
 * binary release and flink-dist are not on Maven Central; the modules flink-dist bundles are.
 */
export async function ensureFlinkLibs(version = DEFAULT_FLINK_VERSION): Promise<string> {
  if (!/^1\.20\.[0-9]+$/.test(version)) {
    throw new WeirError(
      'TESTING_FLINK_VERSION',
      `'${version}' is not a Flink 1.20 version such as ${DEFAULT_FLINK_VERSION} (the connectors are built for 1.20)`,
    );
  }
  return ensureMavenLibs({
    product: 'Apache Flink',
    cacheName: 'flink',
    version,
    pom: join(PACKAGE_ROOT, 'scripts', 'flink', 'pom.xml'),
    properties: { 'flink.version': version },
    expectedJarPrefix: `flink-sql-gateway-${version}`,
    alternative: 'point WEIR_FLINK_GATEWAY and WEIR_FLINK_REST at a running cluster',
    artifact: 'org.apache.flink:flink-sql-gateway',
  });
}
