import { WeirError } from '../common/errors.js';
import { collectSinkFactory } from '../connectors/collect/index.js';
import type { PrintTarget } from '../connectors/print/index.js';
import { BUILTIN_WORKER_CONNECTORS } from '../connectors/worker-registry.js';
import type { ParsedStatement, SqlSession } from '../planner/index.js';
import { type JobClient, type Logger, type RuntimeConnector, submitJob } from '../runtime/index.js';
import { type ChangelogRow, CollectQueue } from './collect-queue.js';
import { createSession } from './session.js';

export interface EnvironmentOptions {
  /** Configuration options, as `SET` or `-D` would set them (e.g. 'parallelism.default': '2'). */
  readonly config?: Readonly<Record<string, string>>;
  /** Where `print` tables write; the process's stdout and stderr by default. */
  readonly stdout?: PrintTarget;
  readonly stderr?: PrintTarget;
  /** Where the jobs' log lines go; nowhere by default. */
  readonly log?: Logger;
}

/**
 * What a statement returned (Flink's TableResult). DDL and SET succeed without content; SHOW,
 * DESCRIBE and EXPLAIN return rows; INSERT and SELECT start a job, whose client is `jobClient`.
 */
export interface TableResult {
  readonly resultKind: 'SUCCESS' | 'SUCCESS_WITH_CONTENT';
  readonly columns: readonly string[];
  readonly jobClient?: JobClient;
  /** Waits until the statement's job ends; rejects with the job's error if it failed. */
  await(): Promise<void>;
  /**
   * The result's rows: SHOW / DESCRIBE / EXPLAIN rows as `+I`, a SELECT's changelog as it arrives
   * (ending when the query ends; breaking out cancels it), nothing for other statements.
   */
  collect(): AsyncIterableIterator<ChangelogRow>;
}

const NOOP_LOG: Logger = { info: () => {}, warn: () => {} };

async function* rowsOf(rows: readonly (readonly string[])[]): AsyncIterableIterator<ChangelogRow> {
  for (const values of rows) yield { kind: '+I', values };
}

function doneResult(columns: readonly string[], rows: readonly (readonly string[])[]): TableResult {
  return {
    resultKind: rows.length > 0 || columns.length > 0 ? 'SUCCESS_WITH_CONTENT' : 'SUCCESS',
    columns,
    await: async () => {},
    collect: () => rowsOf(rows),
  };
}

/**
 * A Flink SQL environment for programs and tests (Flink's TableEnvironment): statements run
 * with the same planner, runtime and connectors as `weir run` and `weir sql`, jobs in this process.
 *
 *   const env = createEnvironment({ config: { 'parallelism.default': '2' } });
 *   await env.executeSql("CREATE TABLE t (…) WITH ('connector' = 'kafka', …)");
 *   const result = await env.executeSql('SELECT word, COUNT(*) FROM t GROUP BY word');
 *   for await (const row of result.collect()) console.log(row.kind, row.values);
 *   await env.close();
 */
export class TableEnvironment {
  private readonly session: SqlSession;
  private readonly connectors: ReadonlyMap<string, RuntimeConnector>;
  private readonly log: Logger;
  private readonly jobs: JobClient[] = [];

  constructor(options: EnvironmentOptions = {}) {
    const created = createSession(Object.entries(options.config ?? {}), {
      stdout: options.stdout ?? process.stdout,
      stderr: options.stderr ?? process.stderr,
    });
    this.session = created.session;
    this.connectors = created.runtimeConnectors;
    this.log = options.log ?? NOOP_LOG;
  }

  /**
   * Executes one statement (or one `EXECUTE STATEMENT SET`). Mistakes reject with a WeirError that
   * has a code, a message, the line:column in `sql` and usually a hint.
   */
  async executeSql(sql: string): Promise<TableResult> {
    const statements = this.session.parseScript(sql);
    if (statements.length !== 1)
      throw new WeirError(
        'SQL_PARSE',
        statements.length === 0
          ? 'executeSql needs a statement'
          : `executeSql runs one statement; this text has ${statements.length}`,
        { hint: 'Call executeSql once per statement, or use EXECUTE STATEMENT SET for several INSERTs.' },
      );
    return this.execute(statements[0]);
  }

  /** Runs a script's statements in order and returns their results; the first error rejects. */
  async executeScript(sql: string): Promise<TableResult[]> {
    const results: TableResult[] = [];
    for (const statement of this.session.parseScript(sql)) results.push(await this.execute(statement));
    return results;
  }

  /** Cancels the jobs still running (their latest checkpoints are kept as their retention says). */
  async close(): Promise<void> {
    await Promise.all(this.jobs.filter((j) => j.status === 'RUNNING').map((j) => j.cancel()));
  }

  private async execute(statement: ParsedStatement): Promise<TableResult> {
    const result = this.session.execute(statement);
    switch (result.kind) {
      case 'ok':
        return doneResult([], []);
      case 'rows':
        return doneResult(result.columns, result.rows);
      case 'explain':
        return doneResult(['result'], [[result.text]]);
      case 'job': {
        const queue = result.resultColumns ? new CollectQueue(() => void job.cancel()) : undefined;
        const connectors = queue
          ? new Map(this.connectors).set('collect', {
              identifier: 'collect',
              sink: collectSinkFactory(() => queue),
            })
          : this.connectors;
        const job: JobClient = await submitJob(result.jobGraph, {
          connectors,
          workerConnectors: BUILTIN_WORKER_CONNECTORS,
          log: this.log,
        });
        this.jobs.push(job);
        const ended = job.result.then((r) => {
          const error = r.status === 'FAILED' ? (r.error ?? new Error(`Job ${job.jobId} failed`)) : undefined;
          queue?.end(error);
          return error;
        });
        return {
          resultKind: 'SUCCESS_WITH_CONTENT',
          columns: result.resultColumns ?? ['job id'],
          jobClient: job,
          await: async () => {
            const error = await ended;
            if (error) throw error;
          },
          collect: () => queue ?? rowsOf([[job.jobId]]),
        };
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  }
}

export function createEnvironment(options: EnvironmentOptions = {}): TableEnvironment {
  return new TableEnvironment(options);
}
