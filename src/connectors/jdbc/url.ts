import type { ClientConfig } from 'pg';
import { WeirError } from '../../common/errors.js';

/** Where a sink or source connects, and how to name it in messages without its credentials. */
export interface ConnectionTarget {
  readonly config: ClientConfig;
  /** `postgresql://host:port/database`: safe to print (no user, no password, no parameters). */
  readonly display: string;
}

const urlError = (message: string) =>
  new WeirError('JDBC_INVALID_URL', message, {
    hint: "Write 'url' = 'jdbc:postgresql://host:5432/database' (or 'postgres://host:5432/database'); put credentials in 'username' and 'password'.",
  });

/**
 * Reads a JDBC PostgreSQL url (`jdbc:postgresql://host:port/db?user=…&password=…&currentSchema=…`)
 * or a libpq-style `postgres://user:password@host:port/db` into pg's client configuration. The
 * 'username' and 'password' options win over credentials in the url, as in Flink.
 */
export function parseJdbcUrl(raw: string, username?: string, password?: string): ConnectionTarget {
  const text = raw.trim();
  const m = /^(?:jdbc:postgresql|postgres|postgresql):\/\/(.*)$/i.exec(text);
  if (!m) {
    // Never echo the url: it may carry a password.
    const scheme = /^([a-z:]+):\/\//i.exec(text)?.[1];
    throw urlError(
      scheme
        ? `The 'url' scheme '${scheme}' is not supported; weir's jdbc connector speaks PostgreSQL`
        : "The 'url' is not a jdbc:postgresql:// or postgres:// url",
    );
  }
  let url: URL;
  try {
    url = new URL(`postgres://${m[1]}`);
  } catch {
    throw urlError("The 'url' could not be read as a PostgreSQL url");
  }
  const params = url.searchParams;
  const decode = (s: string) => (s === '' ? undefined : decodeURIComponent(s));
  const host = params.get('host') ?? (url.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost');
  const port = url.port === '' ? Number(params.get('port') ?? 5432) : Number(url.port);
  const database = decode(url.pathname.replace(/^\//, '')) ?? params.get('dbname') ?? undefined;
  const config: ClientConfig = {
    host,
    port,
    database,
    user: username ?? params.get('user') ?? decode(url.username),
    password: password ?? params.get('password') ?? decode(url.password),
    application_name: params.get('ApplicationName') ?? params.get('application_name') ?? 'weir',
  };
  const sslmode = (
    params.get('sslmode') ?? (params.get('ssl') === 'true' ? 'require' : undefined)
  )?.toLowerCase();
  if (sslmode && sslmode !== 'disable' && sslmode !== 'allow' && sslmode !== 'prefer') {
    config.ssl = sslmode === 'verify-full' || sslmode === 'verify-ca' ? true : { rejectUnauthorized: false };
  }
  const schema = params.get('currentSchema');
  // Every session reads and writes UTC text, so TIMESTAMP WITH TIME ZONE values parse the same anywhere.
  config.options = `-c TimeZone=UTC${schema ? ` -c search_path=${schema.replace(/[^\w,$]/g, '')}` : ''}`;
  const display = `postgresql://${host.includes(':') ? `[${host}]` : host}:${port}/${database ?? ''}`;
  return { config, display };
}
