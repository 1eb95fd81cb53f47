#!/usr/bin/env node
// Bundles the dashboard (dashboard/src, Preact + htm + uPlot from npm) into dist/dashboard, which
// the REST server serves at `/`. Runs as part of `npm run build` and the `prepare` script, so a
// fresh clone has it after `npm ci`; nothing is fetched at run time.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'dashboard');
mkdirSync(join(out, 'assets'), { recursive: true });
await build({
  entryPoints: { app: join(root, 'dashboard', 'src', 'main.js') },
  bundle: true,
  format: 'esm',
  minify: true,
  sourcemap: true,
  target: ['chrome110', 'firefox110', 'safari16'],
  outdir: join(out, 'assets'),
  logLevel: 'warning',
});
copyFileSync(join(root, 'dashboard', 'index.html'), join(out, 'index.html'));
