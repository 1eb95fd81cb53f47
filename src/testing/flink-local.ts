import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
import { DEFAULT_FLINK_VERSION, ensureFlinkLibs } from './flink-libs.js';
import type { FlinkCluster, StartFlinkOptions } from './flink-types.js';
import { type GuardedProcess, spawnGuarded } from './guard.js';
import { findJava } from './java.js';
import { notice, seconds } from './notice.js';
import { freePorts } from './ports.js';
import { reapStale } from './registry.js';
import { pollUntil } from './wait.js';

const HOST = '127.0.0.1';

/**
 * What Flink's own config.yaml passes to every JVM on Java 17 (env.java.opts.all of the release):
 * Kryo, the RPC system and the code generator reach into these JDK internals.
 */
const JAVA_17_OPENS = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  ...[
    'java.lang',
    'java.net',
    'java.io',
    'java.nio',
    'sun.nio.ch',
    'java.lang.reflect',
    'java.text',
    'java.time',
    'java.util',
    'java.util.concurrent',
    'java.util.concurrent.atomic',
    'java.util.concurrent.locks',
  ].map((p) => `--add-opens=java.base/${p}=ALL-UNNAMED`),
];

/** Megabytes of a size such as '320m' or '1g'. */
function mb(size: string): number {
  const m = /^(\d+)\s*([mg])b?$/i.exec(size.trim());
  if (!m) throw new WeirError('TESTING_FLINK_MEMORY', `'${size}' is not a memory size such as 320m or 1g`);
  return Number(m[1]) * (m[2].toLowerCase() === 'g' ? 1024 : 1);
}

/**
 * The memory of both processes, every component set explicitly. Without Flink's bin/ scripts nobody
 * derives them (the scripts run BashJavaUtils for it), and the task manager refuses to start unless
 * task heap, off-heap, network, managed memory and CPU cores are all given. JM ≈ 576 MB, TM ≈ 1 GB
 * with the defaults: small, the machine is shared.
 */
function memory(options: StartFlinkOptions) {
  const taskHeap = mb(options.taskHeap ?? '320m');
  const managed = mb(options.managedMemory ?? '128m');
  const jm = { heap: 256, offHeap: 64, metaspace: 192, overhead: 64 };
  const tm = { frameworkHeap: 128, taskHeap, frameworkOffHeap: 128, network: 64, managed, metaspace: 192 };
  return {
    config: {
      'jobmanager.memory.heap.size': `${jm.heap}m`,
      'jobmanager.memory.off-heap.size': `${jm.offHeap}m`,
      'jobmanager.memory.jvm-metaspace.size': `${jm.metaspace}m`,
      'jobmanager.memory.jvm-overhead.min': `${jm.overhead}m`,
      'jobmanager.memory.jvm-overhead.max': `${jm.overhead}m`,
      'taskmanager.memory.framework.heap.size': `${tm.frameworkHeap}m`,
      'taskmanager.memory.task.heap.size': `${tm.taskHeap}m`,
      'taskmanager.memory.framework.off-heap.size': `${tm.frameworkOffHeap}m`,
      'taskmanager.memory.task.off-heap.size': '0m',
      'taskmanager.memory.network.min': `${tm.network}m`,
      'taskmanager.memory.network.max': `${tm.network}m`,
      'taskmanager.memory.managed.size': `${tm.managed}m`,
      'taskmanager.memory.jvm-metaspace.size': `${tm.metaspace}m`,
      'taskmanager.memory.jvm-overhead.min': '64m',
      'taskmanager.memory.jvm-overhead.max': '64m',
    },
    // The JVM flags the scripts would derive from the same numbers.
    jobManagerJvm: [
      `-Xmx${jm.heap}m`,
      `-Xms${jm.heap}m`,
      `-XX:MaxDirectMemorySize=${jm.offHeap}m`,
      `-XX:MaxMetaspaceSize=${jm.metaspace}m`,
    ],
    taskManagerJvm: [
      `-Xmx${tm.frameworkHeap + tm.taskHeap}m`,
      `-Xms${tm.frameworkHeap + tm.taskHeap}m`,
      `-XX:MaxDirectMemorySize=${tm.frameworkOffHeap + tm.network}m`,
      `-XX:MaxMetaspaceSize=${tm.metaspace}m`,
    ],
    gatewayJvm: ['-Xmx384m', '-XX:MaxMetaspaceSize=256m'],
  };
}

function configYaml(entries: Record<string, string | number>): string {
  // Flat keys are valid in Flink 1.20's standard YAML config.yaml; values are quoted as YAML strings.
  return `${Object.entries(entries)
    .map(([k, v]) => `${k}: ${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join('\n')}\n`;
}

function log4jProperties(): string {
  return [
    'rootLogger.level = INFO',
    'rootLogger.appenderRef.file.ref = MainAppender',
    'appender.main.name = MainAppender',
    'appender.main.type = File',
    // Appending: the RPC system initialises its own logger context in the same process, and a
    // truncating appender would wipe what the process logged before it.
    'appender.main.append = true',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Log4j's lookup of the -Dlog.file property
    'appender.main.fileName = ${sys:log.file}',
    'appender.main.layout.type = PatternLayout',
    'appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n',
    'logger.kafka.name = org.apache.kafka',
    'logger.kafka.level = WARN',
  ].join('\n');
}

class PortTaken extends Error {}

export async function startLocalFlink(options: StartFlinkOptions): Promise<FlinkCluster> {
  const version = options.version ?? DEFAULT_FLINK_VERSION;
  const java = await findJava();
  const libs = await ensureFlinkLibs(version);
  await reapStale();
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(java, libs, version, options);
    } catch (err) {
      // Between choosing a free port and a JVM binding it, another process may take it.
      if (err instanceof PortTaken && attempt < 3) continue;
      throw err instanceof PortTaken
        ? new WeirError('TESTING_FLINK_START', err.message, { kind: 'external' })
        : err;
    }
  }
}

async function startOnce(
  java: string,
  libs: string,
  version: string,
  options: StartFlinkOptions,
): Promise<FlinkCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'weir-flink-'));
  const confDir = join(dir, 'conf');
  const logDir = join(dir, 'log');
  await Promise.all([mkdir(confDir), mkdir(logDir), mkdir(join(dir, 'tmp'))]);
  const [rpcPort, restPort, gatewayPort] = await freePorts(3);
  const slots = options.slots ?? 4;
  const mem = memory(options);
  await writeFile(
    join(confDir, 'config.yaml'),
    configYaml({
      'jobmanager.rpc.address': HOST,
      'jobmanager.rpc.port': rpcPort,
      'jobmanager.bind-host': HOST,
      'rest.address': HOST,
      'rest.bind-address': HOST,
      'rest.port': restPort,
      'taskmanager.host': HOST,
      'taskmanager.bind-host': HOST,
      'taskmanager.numberOfTaskSlots': slots,
      'taskmanager.cpu.cores': `${slots}.0`,
      'parallelism.default': 1,
      'sql-gateway.endpoint.rest.address': HOST,
      'sql-gateway.endpoint.rest.bind-address': HOST,
      'sql-gateway.endpoint.rest.port': gatewayPort,
      // The gateway submits to this session cluster (rest.address/rest.port above).
      'execution.target': 'remote',
      'io.tmp.dirs': join(dir, 'tmp'),
      'state.checkpoints.dir': `file://${join(dir, 'checkpoints')}`,
      'state.savepoints.dir': `file://${join(dir, 'savepoints')}`,
      ...mem.config,
      ...options.config,
    }),
  );
  const log4jFile = join(confDir, 'log4j.properties');
  await writeFile(log4jFile, log4jProperties());

  const common = [
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    ...JAVA_17_OPENS,
    ...(options.jvmOptions ?? []),
    `-Dlog4j.configurationFile=file:${log4jFile}`,
    '-cp',
    join(libs, '*'),
  ];
  const env = { ...process.env, FLINK_CONF_DIR: confDir };
  const spawned: GuardedProcess[] = [];
  const spawnJvm = async (role: string, jvm: string[], main: string, args: string[]) => {
    const logFile = join(logDir, `${role}.log`);
    const process = await spawnGuarded({
      kind: `flink-${role}`,
      command: java,
      args: [...jvm, `-Dlog.file=${logFile}`, ...common, main, ...args],
      dir,
      logFile: join(logDir, `${role}.out`),
      env,
      // A cancelled job's tasks stop quickly; the data is thrown away, so no need to wait long.
      stopSignal: 'SIGTERM',
      graceMs: 5_000,
    });
    spawned.push(process);
    return process;
  };
  const stopAll = async () => {
    // The gateway and task manager first: the job manager would otherwise wait for them to come back.
    await Promise.all(spawned.slice(1).map((p) => p.stop()));
    await spawned[0]?.stop();
  };

  const started = Date.now();
  try {
    const jobManager = await spawnJvm(
      'jobmanager',
      mem.jobManagerJvm,
      'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint',
      ['--configDir', confDir],
    );
    const taskManager = await spawnJvm(
      'taskmanager',
      mem.taskManagerJvm,
      'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
      ['--configDir', confDir],
    );
    const gateway = await spawnJvm(
      'sql-gateway',
      mem.gatewayJvm,
      'org.apache.flink.table.gateway.SqlGateway',
      [],
    );
    const restUrl = `http://${HOST}:${restPort}`;
    const gatewayUrl = `http://${HOST}:${gatewayPort}`;
    const ready = await pollUntil(() => answers(restUrl, gatewayUrl, slots), {
      timeoutMs: options.startTimeoutMs ?? 180_000,
      intervalMs: 250,
      failed: () => {
        const gone = spawned.findIndex((p) => p.hasExited());
        return gone < 0 ? undefined : `the ${['job manager', 'task manager', 'SQL gateway'][gone]} exited`;
      },
    });
    if ('failure' in ready) {
      const logs = await Promise.all(
        ['jobmanager', 'taskmanager', 'sql-gateway'].map(async (r) => [
          r,
          await tailOf(join(logDir, `${r}.log`), 15),
        ]),
      );
      const all = logs.map(([, text]) => text).join('\n');
      if (/Address already in use|BindException/.test(all))
        throw new PortTaken(`a port of ${restPort}, ${rpcPort}, ${gatewayPort} was taken`);
      throw new WeirError(
        'TESTING_FLINK_START',
        `the Flink ${version} session cluster on ${restUrl} did not start: ${ready.failure}` +
          logs.map(([role, text]) => excerpt(`last lines of ${join(logDir, `${role}.log`)}`, text)).join(''),
        { kind: 'external' },
      );
    }
    const startMs = Date.now() - started;
    notice(
      `started Apache Flink ${version} (session cluster, ${slots} slots) REST ${restUrl}, SQL Gateway ${gatewayUrl} in ${seconds(started)}, logs in ${logDir}`,
    );
    let stopped: Promise<void> | undefined;
    return {
      mode: 'local',
      restUrl,
      gatewayUrl,
      version,
      dir,
      startMs,
      pids: { jobManager: jobManager.pid, taskManager: taskManager.pid, gateway: gateway.pid },
      stop: () =>
        (stopped ??= (async () => {
          await stopAll();
          await rm(dir, { recursive: true, force: true });
        })()),
    };
  } catch (err) {
    await stopAll();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

/** True once the task manager has registered all its slots and the SQL Gateway answers. */
async function answers(restUrl: string, gatewayUrl: string, slots: number): Promise<true | undefined> {
  const overview = (await (await fetch(`${restUrl}/overview`)).json()) as { 'slots-total'?: number };
  if ((overview['slots-total'] ?? 0) < slots) return undefined;
  const info = await fetch(`${gatewayUrl}/v1/info`);
  return info.ok ? true : undefined;
}
