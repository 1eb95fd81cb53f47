import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';
import { excerpt, tailOf } from './files.js';
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
    await runMaven(version, join(partial, 'libs'), join(root, `maven-${version}.log`));
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

function runMaven(version: string, outputDir: string, logFile: string): Promise<void> {
  const mvn = process.env.WEIR_MVN ?? (process.platform === 'win32' ? 'mvn.cmd' : 'mvn');
  const args = [
    '-B',
    '-f',
    POM,
    `-Dkafka.version=${version}`,
    'dependency:copy-dependencies',
    `-DoutputDirectory=${outputDir}`,
    '-l',
    logFile,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(mvn, args, { stdio: 'ignore' });
    // A blackholed network would otherwise hang the test run's setup, which vitest does not time out.
    const timer = setTimeout(() => child.kill('SIGKILL'), MAVEN_TIMEOUT_MS);
    child.once('exit', () => clearTimeout(timer));
    child.once('error', (err) => {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      reject(
        new WeirError(
          'TESTING_MAVEN',
          missing
            ? `cannot download the Kafka broker: Maven ('${mvn}') is not installed or not on PATH`
            : `cannot run Maven ('${mvn}'): ${err.message}`,
          {
            kind: 'external',
            hint: 'install Maven 3 (and Java 17+), or point WEIR_KAFKA_BOOTSTRAP at a running broker',
          },
        ),
      );
    });
    child.once('exit', async (code, signal) => {
      if (code === 0) return resolve();
      const log = await tailOf(logFile, 30);
      reject(
        new WeirError(
          'TESTING_MAVEN',
          `Maven could not fetch org.apache.kafka:kafka_2.13:${version} and its dependencies (exit ${code ?? signal})` +
            excerpt(`last lines of ${logFile}`, log),
          {
            kind: 'external',
            hint: 'check that Maven Central (or your mirror in ~/.m2/settings.xml) is reachable',
          },
        ),
      );
    });
  });
}
