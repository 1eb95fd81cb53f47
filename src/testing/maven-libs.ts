import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
import { GUARD_FILE, spawnGuarded } from './guard.js';
import { notice, seconds } from './notice.js';
import { cacheDir } from './paths.js';
import { isAlive } from './registry.js';

const MARKER = 'COMPLETE';
const MAVEN_TIMEOUT_MS = 15 * 60_000;

/** A folder of jars that Maven lays out from a dependency-only pom (scripts/kafka, scripts/flink). */
export interface MavenLibs {
  /** The product, for messages and the cache folder: 'Apache Kafka' in `<cache>/kafka/<version>`. */
  readonly product: string;
  readonly cacheName: string;
  readonly version: string;
  readonly pom: string;
  /** `-D` properties for the pom (the version property). */
  readonly properties: Readonly<Record<string, string>>;
  /** A jar whose presence proves Maven laid out the right thing, e.g. `kafka_2.13-3.9.2`. */
  readonly expectedJarPrefix: string;
  /** What to suggest when Maven is missing. */
  readonly alternative: string;
  /** The artifact named in the error when Maven fails. */
  readonly artifact: string;
}

/**
 * The jars of `libs`, downloaded with Maven on first use into `<cache>/<cacheName>/<version>/libs`.
 * The download happens in a private `.partial-<pid>-…` folder that is renamed into place with its
 * marker already inside, so a download that was interrupted, or one that raced another test run, never
 * leaves a folder that looks complete.
 */
export async function ensureMavenLibs(libs: MavenLibs): Promise<string> {
  const root = join(cacheDir(), libs.cacheName);
  const target = join(root, libs.version);
  const folder = join(target, 'libs');
  if (existsSync(join(target, MARKER))) return folder;

  await mkdir(root, { recursive: true });
  await removeAbandonedPartials(root);
  const partial = join(root, `${libs.version}.partial-${process.pid}-${Date.now().toString(36)}`);
  await mkdir(partial, { recursive: true });
  const started = Date.now();
  notice(
    `downloading ${libs.product} ${libs.version} jars from Maven Central into ${target} (first use only)`,
  );
  try {
    await runMaven(libs, partial, join(root, `maven-${libs.version}.log`));
    const jars = (await readdir(join(partial, 'libs'))).filter((f) => f.endsWith('.jar'));
    if (!jars.some((j) => j.startsWith(libs.expectedJarPrefix))) {
      throw new WeirError(
        'TESTING_MAVEN',
        `Maven finished but ${libs.expectedJarPrefix}.jar is not in ${partial}/libs`,
        { kind: 'external' },
      );
    }
    await rm(join(partial, GUARD_FILE), { force: true });
    await writeFile(join(partial, MARKER), `${new Date().toISOString()} ${jars.length} jars\n`);
    await moveIntoPlace(partial, target);
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  notice(`${libs.product} ${libs.version} jars ready in ${seconds(started)}`);
  return folder;
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
 * Maven runs guarded like the servers: a test run killed mid-download must not leave a JVM behind
 * that keeps downloading into a folder nobody will use.
 */
async function runMaven(libs: MavenLibs, partial: string, logFile: string): Promise<void> {
  const mvn = process.env.WEIR_MVN ?? 'mvn';
  const args = [
    '-B',
    '-f',
    libs.pom,
    ...Object.entries(libs.properties).map(([k, v]) => `-D${k}=${v}`),
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
      `cannot download ${libs.product}: Maven ('${mvn}') is not installed or not on PATH`,
      { kind: 'external', hint: `install Maven 3 (and Java 17+), or ${libs.alternative}` },
    );
  }
  const outcome =
    exit === undefined ? `no result after ${MAVEN_TIMEOUT_MS / 60_000} minutes` : `exit ${exit.code}`;
  throw new WeirError(
    'TESTING_MAVEN',
    `Maven could not fetch ${libs.artifact}:${libs.version} and its dependencies (${outcome})` +
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
