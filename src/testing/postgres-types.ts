/** Where a PostgreSQL server is, as plain data (what vitest's `provide` hands to test files). */
export interface PostgresConnection {
  /** `postgres://user@host:port/database`, for `new pg.Client(url)` or a JDBC sink's 'url' after conversion. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
}

export interface PostgresServer extends PostgresConnection {
  /**
   * 'private': a throw-away cluster this kit started; 'local': the server at 127.0.0.1:5432, which can
   * do two-phase commit; 'external': WEIR_PG_URL.
   */
  readonly mode: 'private' | 'local' | 'external';
  /** The server's max_prepared_transactions (unknown, -1, for an external server that was not asked). */
  readonly maxPreparedTransactions: number;
  /** The private cluster's folder and log (private only); both are deleted by stop(). */
  readonly dir?: string;
  readonly logFile?: string;
  /**
   * Private only: shuts the server down with `pg_ctl stop -m fast` (sessions cut; data and prepared
   * transactions kept), for tests of a database that goes away under a running job.
   */
  shutdown?(): Promise<void>;
  /** Private only: starts the server again after shutdown(), on the same port and data. */
  start?(): Promise<void>;
  /** Stops and removes a private cluster; a no-op otherwise. Safe to call twice. */
  stop(): Promise<void>;
}

export interface StartPostgresOptions {
  /** Ignore WEIR_PG_URL. */
  readonly ignoreEnv?: boolean;
  /** Start a private cluster even when the local server could be used. */
  readonly private?: boolean;
  /** The server to try before starting a private one; default postgres://postgres@127.0.0.1:5432/postgres. */
  readonly localUrl?: string;
  /** How long to wait for a private cluster to accept connections, default 60 s. */
  readonly startTimeoutMs?: number;
}

/** A database made for one test file, dropped by drop(). */
export interface TestDatabase extends PostgresConnection {
  readonly name: string;
  /** Rolls back the database's prepared transactions (they would block the drop), then drops it. */
  drop(): Promise<void>;
}
