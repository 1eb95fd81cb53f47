import { WeirError } from '../../common/errors.js';

/** A column of a result as the SQL Gateway describes it (Flink's LogicalType in JSON). */
export interface GatewayColumn {
  readonly name: string;
  readonly logicalType: { readonly type: string; readonly nullable: boolean; readonly [k: string]: unknown };
}

/** Flink's RowKind names, as the gateway's JSON rows carry them. */
export type GatewayRowKind = 'INSERT' | 'UPDATE_BEFORE' | 'UPDATE_AFTER' | 'DELETE';

export interface GatewayRow {
  readonly kind: GatewayRowKind;
  readonly fields: readonly unknown[];
}

/** One page of results; `next` is absent at the end of the stream (EOS). */
interface ResultPage {
  readonly resultType: 'NOT_READY' | 'PAYLOAD' | 'EOS';
  readonly isQueryResult?: boolean;
  readonly jobID?: string;
  readonly resultKind?: 'SUCCESS' | 'SUCCESS_WITH_CONTENT';
  readonly results?: { readonly columns?: GatewayColumn[]; readonly data?: GatewayRow[] };
  readonly nextResultUri?: string;
}

/** What one statement did: a query's changelog, a job's id, or a table of rows (SHOW, DESCRIBE …). */
export interface StatementOutcome {
  readonly isQuery: boolean;
  readonly jobId?: string;
  readonly columns: readonly GatewayColumn[];
  readonly rows: readonly GatewayRow[];
}

const SHORT_KINDS: Record<GatewayRowKind, string> = {
  INSERT: '+I',
  UPDATE_BEFORE: '-U',
  UPDATE_AFTER: '+U',
  DELETE: '-D',
};
export const shortKind = (kind: GatewayRowKind): string => SHORT_KINDS[kind];

/** Exception classes that only wrap the cause worth showing. */
const WRAPPERS =
  /SqlGatewayException|SqlExecutionException|RestHandlerException|CompletionException|ExecutionException/;

/**
 * The message a person needs from the gateway's error answer, which is a Java stack trace: the first
 * `Caused by:` that is not one of the gateway's own wrappers (for SQL mistakes Flink's
 * ValidationException or SqlParserException, with "line L, column C" of the statement).
 */
export function gatewayErrorMessage(errors: readonly string[]): string {
  const trace = errors.join('\n');
  const causes = [...trace.matchAll(/^(?:Caused by: )?([\w.$]+(?:Exception|Error)): (.*)$/gm)]
    .filter((m) => !WRAPPERS.test(m[1]))
    .map((m) => `${m[1].split('.').pop()}: ${m[2]}`);
  // The first cause says what failed, the deepest one why (a missing class, a refused connection).
  if (causes.length > 1 && causes[causes.length - 1] !== causes[0])
    return `${causes[0]}\n  caused by ${causes[causes.length - 1]}`;
  if (causes.length > 0) return causes[0];
  return errors.find((e) => !/^Internal server error\.?$/.test(e))?.split('\n')[0] ?? 'unknown error';
}

/**
 * A session of Flink's SQL Gateway, through its REST API (v2): statements run in the session in the
 * order they are sent, with the session's configuration (the properties it was opened with, changed
 * by SET). https://nightlies.apache.org/flink/flink-docs-release-1.20/docs/dev/table/sql-gateway/rest/
 */
export class SqlGatewaySession {
  private closed = false;

  private constructor(
    readonly gatewayUrl: string,
    readonly handle: string,
    private readonly pollMs: number,
  ) {}

  static async open(
    gatewayUrl: string,
    properties: Readonly<Record<string, string>>,
    options: { sessionName?: string; pollMs?: number } = {},
  ): Promise<SqlGatewaySession> {
    const base = gatewayUrl.replace(/\/$/, '');
    const answer = await gatewayCall(base, 'POST', '/v2/sessions', {
      properties,
      sessionName: options.sessionName ?? 'weir',
    });
    return new SqlGatewaySession(base, String(answer.sessionHandle), options.pollMs ?? 100);
  }

  /** Starts a statement; returns its operation handle. */
  async submit(statement: string): Promise<string> {
    const answer = await gatewayCall(this.gatewayUrl, 'POST', `/v2/sessions/${this.handle}/statements`, {
      statement,
    });
    return String(answer.operationHandle);
  }

  /**
   * Runs a statement and reads its results to the end. A query's rows go to `onRows` as they come (a
   * streaming query's changelog); `until` can end the read early (the operation is then cancelled).
   */
  async execute(
    statement: string,
    options: {
      onRows?: (rows: readonly GatewayRow[], columns: readonly GatewayColumn[]) => void;
      until?: () => boolean;
      /** JSON (typed values; DECIMAL as a JSON number) or PLAIN_TEXT (every field as Flink prints it). */
      rowFormat?: 'JSON' | 'PLAIN_TEXT';
    } = {},
  ): Promise<StatementOutcome> {
    const operation = await this.submit(statement);
    let path: string | undefined =
      `/v2/sessions/${this.handle}/operations/${operation}/result/0?rowFormat=${options.rowFormat ?? 'JSON'}`;
    let columns: readonly GatewayColumn[] = [];
    const rows: GatewayRow[] = [];
    let jobId: string | undefined;
    let isQuery = false;
    while (path !== undefined) {
      if (options.until?.()) {
        await this.cancel(operation);
        break;
      }
      const page = (await gatewayCall(this.gatewayUrl, 'GET', path)) as unknown as ResultPage;
      if (page.resultType === 'NOT_READY') {
        await new Promise((resolve) => setTimeout(resolve, this.pollMs));
        continue;
      }
      isQuery ||= page.isQueryResult === true;
      jobId ??= page.jobID ?? undefined;
      columns = page.results?.columns ?? columns;
      const data = page.results?.data ?? [];
      if (data.length > 0) {
        rows.push(...data);
        options.onRows?.(data, columns);
      }
      if (page.resultType === 'EOS') break;
      if (data.length === 0) await new Promise((resolve) => setTimeout(resolve, this.pollMs));
      path = page.nextResultUri;
    }
    // An INSERT's result is one row holding the job id; keep the id, not the row, for the caller.
    if (!isQuery && jobId === undefined) {
      const idColumn = columns.findIndex((c) => c.name === 'job id');
      if (idColumn >= 0 && rows[0]) jobId = String(rows[0].fields[idColumn]);
    }
    return { isQuery, jobId, columns, rows };
  }

  async cancel(operation: string): Promise<void> {
    await gatewayCall(
      this.gatewayUrl,
      'POST',
      `/v1/sessions/${this.handle}/operations/${operation}/cancel`,
      {},
    ).catch(() => {});
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await gatewayCall(this.gatewayUrl, 'DELETE', `/v1/sessions/${this.handle}`).catch(() => {});
  }
}

/** One REST call to the gateway; an error answer becomes a WeirError with Flink's own message. */
async function gatewayCall(
  baseUrl: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: body === undefined ? undefined : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new WeirError(
      'FLINK_UNREACHABLE',
      `Cannot reach the Flink SQL Gateway at ${baseUrl}: ${(err as Error).message}`,
      {
        kind: 'external',
        hint: 'Is the gateway running? `node scripts/flink/start.mjs` starts a local one.',
      },
    );
  }
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new GatewayError(
      gatewayErrorMessage((json.errors as string[] | undefined) ?? [response.statusText]),
    );
  }
  return json;
}

/** A statement Flink rejected or failed; the message is Flink's, without its stack trace. */
export class GatewayError extends WeirError {
  constructor(message: string) {
    super('FLINK_STATEMENT_FAILED', message, { kind: 'external' });
  }
}
