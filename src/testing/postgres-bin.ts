import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { WeirError } from '../common/errors.js';

/**
 * The folder with initdb and postgres: WEIR_PG_BIN, else PATH, else where distributions put them
 * (Debian and Ubuntu keep them off PATH, under /usr/lib/postgresql/<major>/bin), newest major first.
 */
export function findPostgresBin(): string {
  const has = (dir: string) => existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'postgres'));
  const fromEnv = process.env.WEIR_PG_BIN;
  if (fromEnv) {
    if (has(fromEnv)) return fromEnv;
    throw new WeirError('TESTING_PG_BIN', `WEIR_PG_BIN='${fromEnv}' has no initdb and postgres in it`, {
      kind: 'external',
    });
  }
  const candidates = (process.env.PATH ?? '').split(delimiter).filter((d) => d !== '');
  for (const [root, pattern] of [
    ['/usr/lib/postgresql', /^\d+$/],
    ['/usr', /^pgsql-\d+$/],
    ['/opt/homebrew/opt', /^postgresql@\d+$/],
    ['/usr/local/opt', /^postgresql@\d+$/],
  ] as const) {
    let names: string[] = [];
    try {
      names = readdirSync(root).filter((n) => pattern.test(n));
    } catch {}
    const major = (n: string) => Number(/\d+/.exec(n)?.[0] ?? 0);
    names.sort((a, b) => major(b) - major(a));
    candidates.push(...names.map((n) => join(root, n, 'bin')));
  }
  candidates.push('/usr/local/pgsql/bin');
  const found = candidates.find(has);
  if (found) return found;
  throw new WeirError(
    'TESTING_PG_BIN',
    'cannot start a private PostgreSQL: no initdb and postgres found on PATH or under /usr/lib/postgresql',
    {
      kind: 'external',
      hint: 'install the PostgreSQL server package, set WEIR_PG_BIN to its bin folder, or set WEIR_PG_URL to a server with max_prepared_transactions > 0',
    },
  );
}

export interface OsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

/**
 * PostgreSQL refuses to run as root, so as root the cluster belongs to another OS user
 * (WEIR_PG_OS_USER, default 'postgres'); otherwise it runs as ourselves (undefined).
 */
export async function clusterOsUser(): Promise<OsUser | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const name = process.env.WEIR_PG_OS_USER ?? 'postgres';
  const id = (flag: string) =>
    new Promise<number>((resolve, reject) =>
      execFile('id', [flag, name], (err, stdout) => (err ? reject(err) : resolve(Number(stdout.trim())))),
    );
  try {
    return { name, uid: await id('-u'), gid: await id('-g') };
  } catch {
    throw new WeirError(
      'TESTING_PG_USER',
      `cannot start a private PostgreSQL as root: PostgreSQL refuses to run as root and there is no OS user '${name}' to run it as`,
      {
        kind: 'external',
        hint: 'create one (useradd postgres) or set WEIR_PG_OS_USER to an unprivileged user',
      },
    );
  }
}
