import { useTestDatabase } from '../infra/context.js';
import { cliTests } from './cli.js';
import { differentialTests } from './differential.js';
import { useFlinkCluster } from './flink-cluster.js';
import { kafkaJdbcTests } from './kafka-jdbc.js';
import { nexmarkTests } from './nexmark.js';

/**
 * Everything that runs against Apache Flink, in one file so that one session cluster serves it all:
 * three JVMs take ~20 s and ~1.6 GB to start, too much to repeat per file on a small CI machine.
 */
const cluster = useFlinkCluster();
const db = useTestDatabase(import.meta.url);

cliTests(cluster);
kafkaJdbcTests(cluster, db);
differentialTests(cluster);
nexmarkTests(cluster);
