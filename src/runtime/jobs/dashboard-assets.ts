import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=UTF-8',
  '.js': 'text/javascript; charset=UTF-8',
  '.css': 'text/css; charset=UTF-8',
  '.map': 'application/json; charset=UTF-8',
};

/**
 * Where `npm run build` puts the dashboard bundle: dist/dashboard, found from dist/runtime/jobs
 * when weir runs from dist, and from src/runtime/jobs when tests run the sources.
 */
function dashboardDirectory(): string | undefined {
  const candidates = ['../../dashboard/', '../../../dist/dashboard/'].map((p) =>
    fileURLToPath(new URL(p, import.meta.url)),
  );
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

let directory: string | undefined;

/** Serves the dashboard: `/` is the app, `/assets/…` its bundle; anything else is a 404. */
export async function serveDashboard(pathname: string, res: ServerResponse): Promise<void> {
  directory ??= dashboardDirectory();
  const file = pathname === '/' || pathname === '/index.html' ? 'index.html' : normalize(pathname).slice(1);
  if (!directory || file.includes('..') || !(file === 'index.html' || file.startsWith('assets/'))) {
    const text = directory
      ? `Not found: ${pathname}\n`
      : 'The dashboard is not built: run `npm run build`.\n';
    res.writeHead(404, { 'content-type': 'text/plain; charset=UTF-8' });
    res.end(text);
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(join(directory, file));
  } catch {
    res.writeHead(404, { 'content-type': 'text/plain; charset=UTF-8' });
    res.end(`Not found: ${pathname}\n`);
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(body);
}
