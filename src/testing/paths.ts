import { homedir, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The package root. This file sits two levels below it both as source (src/testing/paths.ts, what
 * vitest runs) and compiled (dist/testing/paths.js, what `weir/testing` users load).
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Where downloaded Kafka jars are kept between runs. `WEIR_CACHE_DIR` wins; a checkout keeps them in its
 * git-ignored `.cache/`; an installed package uses node_modules/.cache/weir, the usual place for tool
 * caches, because the package folder itself is replaced on every install.
 */
export function cacheDir(): string {
  const fromEnv = process.env.WEIR_CACHE_DIR;
  if (fromEnv) return fromEnv;
  const marker = `${join('node_modules', 'weir')}${sep}`;
  const at = PACKAGE_ROOT.lastIndexOf(marker);
  if (at >= 0) return join(PACKAGE_ROOT.slice(0, at), 'node_modules', '.cache', 'weir');
  return join(PACKAGE_ROOT, '.cache');
}

/**
 * Per-user folder of records of the processes this kit started, so a later run can find and stop the
 * ones a killed run left behind. In the temp dir because that is where their data lives too.
 */
export function registryDir(): string {
  const who =
    typeof process.getuid === 'function' ? String(process.getuid()) : homedir().replace(/\W+/g, '_');
  return join(tmpdir(), `weir-testing-${who}`);
}
