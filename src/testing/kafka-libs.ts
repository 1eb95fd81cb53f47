import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
import { GUARD_FILE, spawnGuarded } from './guard.js';
import { notice, seconds } from './notice.js';
import { cacheDir, PACKAGE_ROOT } from './paths.js';
import { isAlive } from './registry.js';

/** Newest Kafka 3.9 on Maven Central. Kafka 4 dropped protocol versions kafkajs 2.2 still sends. */
export const DEFAULT_KAFKA_VERSION = '3.9.2';

const MARKER = 'COMPLETE';
const MAVEN_TIMEOUT_MS = 15 * 60_000;
const POM = join(PACKAGE_ROOT, 'scripts', 'kafka', 'pom.xml');

/**
 * The `libs/` folder of a Kafka broker of `version`, downloaded with Maven on first use into
 * `<cache>/kafka/<version>/libs`. The download happens in a private `.partial-<pid>-…` folder that is
 * renamed into place with its marker already inside, so a download that was interrupted, or one that
 * raced another test run, never leaves a folder that looks complete.
 */
export async function ensureKafkaLibs(version = DEFAULT_KAFKA_VERSION): Promise<string> {
  if (!/^[0-9]+\.[0-9]+\.[0-9]+$/.test(version)) {
    throw new WeirError(
      'TESTING_KAFKA_VERSION',
      `'${version}' is not a Kafka version such as ${DEFAULT_KAFKA_VERSION}`,
    );
  }
  const root = join(cacheDir(), 'kafka');
  const target = join(root, version);
  const libs = join(target, 'libs');
  if (existsSync(join(target, MARKER))) return libs;

  await mkdir(root, { recursive: true });
  await removeAbandonedPartials(root);
  const partial = join(root, `${version}.partial-${process.pid}-${Date.now().toString(36)}`);
  await mkdir(partial, { recursive: true });
  const started = Date.now();
  notice(`downloading Apache Kafka ${version} jars from Maven Central into ${target} (first use only)`);
  try {
    await runMaven(version, partial, join(root, `maven-${version}.log`));
    const jars = (await readdir(join(partial, 'libs'))).filter((f) => f.endsWith('.jar'));
    if (!jars.some((j) => j.startsWith(`kafka_2.13-${version}`))) {
      throw new WeirError(
        'TESTING_KAFKA_DOWNLOAD',
        `Maven finished but kafka_2.13-${version}.jar is not in ${partial}/libs`,
        {
          kind: 'external',
        },
      );
    }
    await rm(join(partial, GUARD_FILE), { force: true });
    await writeFile(join(partial, MARKER), `${new Date().toISOString()} ${jars.length} jars\n`);
    await moveIntoPlace(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  notice(`Kafka ${version} jars ready in ${seconds(started)}`);
  return libs;
}

async function moveIntoPlace(partial: string, target: string): Promise<void> {
  try {
    await rename(partial, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
    // Another run finished first, or an earlier one left a half-filled folder without its marker.
    if (existsSync(join(target, MARKER))) return;
    await rm(target, { recursive: true, force: true });
    await rename(partial, target);
  }
}

async function removeAbandonedPartials(root: string): Promise<void> {
  for (const name of await readdir(root)) {
    const match = /\.partial-(\d+)-/.exec(name);
    if (match && !isAlive(Number(match[1]))) await rm(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Maven runs guarded like the broker: a test run killed mid-download must not leave a JVM behind
 * that keeps downloading into a folder nobody will use.
 */
async function runMaven(version: string, partial: string, logFile: string): Promise<void> {
  const mvn = process.env.WEIR_MVN ?? 'mvn';
  const args = [
    '-B',
    '-f',
    POM,
    `-Dkafka.version=${version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${join(partial, 'libs')}`,
    '-l',
    logFile,
  ];
  const spawnLog = `${logFile}.out`;
  const maven = await spawnGuarded({
    kind: 'maven',
    command: mvn,
    args,
    dir: partial,
    logFile: spawnLog,
    stopSignal: 'SIGTERM',
    graceMs: 3_000,
  });
  let timer: NodeJS.Timeout | undefined;
  // A blackholed network would otherwise hang the test run's setup, which vitest does not time out.
  const exit = await Promise.race([
    maven.exited,
    new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), MAVEN_TIMEOUT_MS);
    }),
  ]);
  clearTimeout(timer);
  await maven.stop();
  if (exit?.code === 0) return;
  const spawnError = await tailOf(spawnLog, 5);
  if (maven.pid === -1 && /ENOENT/.test(spawnError)) {
    throw new WeirError(
      'TESTING_MAVEN',
      `cannot download the Kafka broker: Maven ('${mvn}') is not installed or not on PATH`,
      {
        kind: 'external',
        hint: 'install Maven 3 (and Java 17+), or point WEIR_KAFKA_BOOTSTRAP at a running broker',
      },
    );
  }
  const outcome =
    exit === undefined ? `no result after ${MAVEN_TIMEOUT_MS / 60_000} minutes` : `exit ${exit.code}`;
  throw new WeirError(
    'TESTING_MAVEN',
    `Maven could not fetch org.apache.kafka:kafka_2.13:${version} and its dependencies (${outcome})` +
      excerpt(`from ${logFile}`, mavenErrors(await tailOf(logFile, 60))) +
      excerpt(`from ${spawnLog}`, spawnError),
    {
      kind: 'external',
      hint: 'check that Maven Central (or your mirror in ~/.m2/settings.xml) is reachable',
    },
  );
}

/** Maven's own [ERROR] lines say what failed; its boilerplate about -e and -X does not. Else the tail. */
function mavenErrors(tail: string): string {
  const errors = tail
    .split('\n')
    .filter(
      (l) =>
        /^\[ERROR\] \S/.test(l) &&
        !/re-run Maven|full stack trace|more information|\[Help \d+\] http/i.test(l),
    );
  return errors.length > 0 ? errors.slice(0, 10).join('\n') : tail.split('\n').slice(-30).join('\n');
}
