import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { WeirError } from '../common/errors.js';

let found: Promise<string> | undefined;

/** The `java` to run the broker with: `$JAVA_HOME/bin/java` when set, else the one on PATH; 11 or newer. */
export function findJava(): Promise<string> {
  found ??= locate();
  found.catch(() => {
    found = undefined;
  });
  return found;
}

async function locate(): Promise<string> {
  const home = process.env.JAVA_HOME;
  const java = home && existsSync(join(home, 'bin', 'java')) ? join(home, 'bin', 'java') : 'java';
  const output = await new Promise<string>((resolve, reject) =>
    execFile(java, ['-version'], { timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
        reject(
          new WeirError(
            'TESTING_JAVA',
            missing
              ? 'cannot start a Kafka broker: Java is not installed (no `java` on PATH and no JAVA_HOME)'
              : `cannot start a Kafka broker: '${java} -version' failed: ${err.message}`,
            { kind: 'external', hint: 'install Java 17, or point WEIR_KAFKA_BOOTSTRAP at a running broker' },
          ),
        );
      } else resolve(`${stdout}${stderr}`);
    }),
  );
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  const major = match ? (match[1] === '1' ? Number(match[2]) : Number(match[1])) : Number.NaN;
  if (major < 11) {
    throw new WeirError('TESTING_JAVA', `Kafka 3.9 needs Java 11 or newer; ${java} is Java ${major}`, {
      kind: 'external',
      hint: 'install Java 17 and put it first on PATH or in JAVA_HOME',
    });
  }
  return java;
}
