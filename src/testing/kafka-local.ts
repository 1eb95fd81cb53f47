import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
import { type GuardedProcess, spawnGuarded } from './guard.js';
import { findJava } from './java.js';
import { DEFAULT_KAFKA_VERSION, ensureKafkaLibs } from './kafka-libs.js';
import type { KafkaBroker, StartKafkaOptions } from './kafka-types.js';
import { notice, seconds } from './notice.js';
import { freePorts } from './ports.js';
import { reapStale } from './registry.js';
import { pollUntil } from './wait.js';

const HOST = '127.0.0.1';

/**
 * Settings for a throw-away single-node KRaft broker: everything replicated once, internal topics with
 * few partitions (they are created on first use, inside a test's time budget), small preallocated
 * index files, and no rebalance delay, so tests see consumer groups form at once.
 */
function serverProperties(
  dir: string,
  port: number,
  controllerPort: number,
  extra: StartKafkaOptions['brokerProperties'],
) {
  const props: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@${HOST}:${controllerPort}`,
    listeners: `PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://${HOST}:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    'log.dirs': join(dir, 'data'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'group.initial.rebalance.delay.ms': 0,
    'auto.create.topics.enable': true,
    'delete.topic.enable': true,
    'num.network.threads': 2,
    'num.io.threads': 4,
    'num.recovery.threads.per.data.dir': 1,
    'log.segment.bytes': 16 * 1024 * 1024,
    'log.index.size.max.bytes': 1024 * 1024,
    'log.cleaner.dedupe.buffer.size': 16 * 1024 * 1024,
    ...extra,
  };
  return Object.entries(props)
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

function log4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.FileAppender',
    `log4j.appender.file.File=${logFile}`,
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    // The controller logs every metadata batch at INFO; that is noise for a test broker.
    'log4j.logger.org.apache.kafka.controller=WARN',
    'log4j.logger.kafka.controller=WARN',
    'log4j.logger.state.change.logger=WARN',
  ].join('\n');
}

/**
 * Kafka's cluster ids are 16 random bytes in URL-safe base64 without padding. Like Kafka's own
 * Uuid.randomUuid, skip ids that start with '-': command-line parsers take those for an option.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

class PortTaken extends Error {}

export async function startLocalKafka(options: StartKafkaOptions): Promise<KafkaBroker> {
  const version = options.version ?? DEFAULT_KAFKA_VERSION;
  const java = await findJava();
  const libs = await ensureKafkaLibs(version);
  await reapStale();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(java, libs, version, options);
    } catch (err) {
      // Between choosing a free port and the broker binding it, another process may take it.
      if (err instanceof PortTaken && attempt < 3 && options.port === undefined) continue;
      throw err instanceof PortTaken
        ? new WeirError('TESTING_KAFKA_START', err.message, { kind: 'external' })
        : err;
    }
  }
}

async function startOnce(
  java: string,
  libs: string,
  version: string,
  options: StartKafkaOptions,
): Promise<KafkaBroker> {
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'weir-kafka-'));
  const [freePort, controllerPort] = await freePorts(2);
  const port = options.port ?? freePort;
  const propsFile = join(dir, 'server.properties');
  const log4jFile = join(dir, 'log4j.properties');
  const logFile = join(dir, 'server.log');
  await writeFile(propsFile, serverProperties(dir, port, controllerPort, options.brokerProperties));
  await writeFile(log4jFile, log4jProperties(logFile));
  // C1 only: the JIT's second tier would spend a test machine's few cores on compiling a broker that
  // serves test-sized traffic; it roughly halves start-up on two busy cores. Benchmarks that push real
  // throughput through the broker can pass jvmOptions: ['-XX:TieredStopAtLevel=4'] (later options win).
  const jvm = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true'];
  const classpath = ['-cp', join(libs, '*'), `-Dlog4j.configuration=file:${log4jFile}`];

  const bootstrapServers = `${HOST}:${port}`;
  // The broker process; halt() and restart() replace it, on the same ports and log dir.
  const launch = async (): Promise<GuardedProcess> => {
    const server = await spawnGuarded({
      kind: 'kafka',
      command: java,
      args: [
        `-Xmx${options.heap ?? '512m'}`,
        '-Xms64m',
        ...jvm,
        ...(options.jvmOptions ?? []),
        `-Dkafka.logs.dir=${dir}`,
        ...classpath,
        'kafka.Kafka',
        propsFile,
      ],
      dir,
      logFile: join(dir, 'stdout.log'),
      // A clean shutdown is quick on a single node; the data is thrown away, so no need to wait long.
      stopSignal: 'SIGTERM',
      graceMs: 5_000,
    });
    const ready = await pollUntil(() => answers(bootstrapServers), {
      timeoutMs: options.startTimeoutMs ?? 120_000,
      intervalMs: 250,
      failed: () => (server.hasExited() ? 'the broker exited' : undefined),
    });
    if (!('failure' in ready)) return server;
    await server.stop();
    const log = (await tailOf(logFile, 30)) + (await tailOf(join(dir, 'stdout.log'), 10));
    if (/Address already in use|BindException/.test(log))
      throw new PortTaken(`port ${port} or ${controllerPort} was taken`);
    throw new WeirError(
      'TESTING_KAFKA_START',
      `the Kafka ${version} broker on ${bootstrapServers} did not start: ${ready.failure}` +
        excerpt(`last lines of ${logFile}`, log),
      { kind: 'external' },
    );
  };

  let server: GuardedProcess | undefined;
  try {
    await format(java, [...jvm, ...classpath], propsFile, join(dir, 'format.log'));
    server = await launch();
    notice(
      `started Apache Kafka ${version} (KRaft, single node) on ${bootstrapServers} in ${seconds(started)}, logs in ${logFile}`,
    );
    let stopped: Promise<void> | undefined;
    let halted: Promise<void> | undefined;
    return {
      mode: 'local',
      bootstrapServers,
      brokers: [bootstrapServers],
      host: HOST,
      port,
      version,
      logFile,
      dir,
      halt: () =>
        (halted ??= (async () => {
          await server?.stop();
          server = undefined;
        })()),
      restart: async () => {
        if (stopped) throw new Error('restart(): the broker was stopped for good');
        await halted;
        if (server && !server.hasExited()) return;
        server = await launch();
        halted = undefined;
      },
      stop: () =>
        (stopped ??= (async () => {
          await server?.stop();
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await server?.stop();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

function format(java: string, jvmArgs: readonly string[], propsFile: string, logFile: string): Promise<void> {
  const args = [...jvmArgs, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propsFile];
  return new Promise((resolve, reject) =>
    execFile(java, args, { timeout: 120_000 }, async (err, stdout, stderr) => {
      if (!err) return resolve();
      await writeFile(logFile, `${stdout}${stderr}`).catch(() => {});
      reject(
        new WeirError(
          'TESTING_KAFKA_START',
          `formatting the Kafka storage failed (kafka.tools.StorageTool format): ${err.message.split('\n')[0]}` +
            excerpt('its output', `${stdout}${stderr}`.split('\n').slice(-20).join('\n')),
          { kind: 'external' },
        ),
      );
    }),
  );
}

/** True once the broker has registered with its controller and serves metadata. */
async function answers(bootstrapServers: string): Promise<true | undefined> {
  const admin = new Kafka({
    clientId: 'weir-testing-probe',
    brokers: [bootstrapServers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    retry: { retries: 0 },
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 ? true : undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
