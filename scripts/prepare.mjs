#!/usr/bin/env node
// `npm ci` builds dist/ through this `prepare` script. npm runs `prepare` again when `npx weir`
// is first used inside this repository (npm installs a package that declares the requested bin
// into its npx cache, linked to this folder), so the build is skipped when dist/ is already newer
// than every source file: that first `npx weir` then starts in about a second, not ten.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = join(root, 'dist', '.build-stamp');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

let builtAt = 0;
try {
  builtAt = statSync(stamp).mtimeMs;
} catch {}
const inputs = Math.max(
  newestSource(join(root, 'src')),
  newestSource(join(root, 'dashboard')),
  statSync(join(root, 'tsconfig.json')).mtimeMs,
  statSync(join(root, 'tsconfig.build.json')).mtimeMs,
);
if (builtAt > inputs) process.exit(0);
execFileSync(
  process.execPath,
  [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
// The dashboard bundle (dist/dashboard), served by the REST API at `/`.
execFileSync(process.execPath, [join(root, 'scripts', 'build-dashboard.mjs')], {
  cwd: root,
  stdio: 'inherit',
});
writeFileSync(stamp, `${new Date().toISOString()}\n`);
