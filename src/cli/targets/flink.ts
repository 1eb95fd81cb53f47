import { createInterface } from 'node:readline';
import { WeirError } from '../../common/errors.js';
import type { CliIO } from '../commands/run.js';
import { EXIT_FAILURE, EXIT_OK, UsageError } from '../errors.js';
import { parseDynamicProperties, readScript } from '../script.js';
import { splitStatements } from '../statement-splitter.js';
import { checkForFlink } from './flink-compat.js';
import {
  type GatewayColumn,
  GatewayError,
  type GatewayRow,
  SqlGatewaySession,
  shortKind,
} from './sql-gateway.js';

/** `--target flink=<url>`: where a script or a job command goes instead of this process. */
export interface FlinkTarget {
  readonly kind: 'flink';
  readonly url: string;
}

export function parseTarget(value: string): FlinkTarget {
  const m = /^flink=(https?:\/\/[^\s]+)$/.exec(value.trim());
  if (!m)
    throw new UsageError(
      `invalid --target '${value}'`,
      'expected flink=<url>, e.g. --target flink=http://127.0.0.1:8083 (the SQL Gateway) for run and sql, or the REST API (…:8081) for list/savepoint/stop/cancel',
    );
  return { kind: 'flink', url: m[1].replace(/\/$/, '') };
}

export interface FlinkRunFlags {
  readonly file?: string;
  readonly init?: string;
  readonly D: string[];
  readonly parallelism?: string;
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

/** A script's statements with the line each starts on (past leading blank lines and comments). */
function statementsOf(text: string): { text: string; line: number; offset: number }[] {
  const { statements, offsets, rest } = splitStatements(text);
  const all = rest.trim() === '' || /^(\s|--[^\n]*(\n|$))*$/.test(rest) ? statements : [...statements, rest];
  const allOffsets = all.length > statements.length ? [...offsets, text.length - rest.length] : offsets;
  return all.map((statement, i) => {
    const lead = /^(\s|--[^\n]*\n)*/.exec(statement)?.[0].length ?? 0;
    const offset = allOffsets[i] + lead;
    return { text: statement.slice(lead).replace(/;\s*$/, ''), line: lineOf(text, offset), offset };
  });
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;

/** The session properties: -D, -p, -s and -n in Flink 1.20's keys. */
function sessionProperties(flags: FlinkRunFlags): [string, string][] {
  const properties = parseDynamicProperties(flags.D);
  if (flags.parallelism !== undefined) properties.push(['parallelism.default', flags.parallelism]);
  if (flags.fromSavepoint !== undefined) properties.push(['execution.savepoint.path', flags.fromSavepoint]);
  if (flags.allowNonRestoredState) properties.push(['execution.savepoint.ignore-unclaimed-state', 'true']);
  return properties;
}

/** A value of the gateway's JSON rows as Flink's SQL client prints it inside `+I[…]`. */
function formatField(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export const formatChange = (row: GatewayRow): string =>
  `${shortKind(row.kind)}[${row.fields.map(formatField).join(', ')}]`;

/** A Flink error located in the script: "line L, column C" of the statement, shifted to the file. */
function locate(err: unknown, statement: { text: string; line: number }, file: string): unknown {
  if (!(err instanceof GatewayError)) return err;
  const m = /line (\d+), column (\d+)/.exec(err.message);
  const where = m ? `${file}:${statement.line + Number(m[1]) - 1}:${m[2]}` : `${file}:${statement.line}`;
  return new WeirError('FLINK_STATEMENT_FAILED', `Flink rejected the statement at ${where}: ${err.message}`, {
    kind: 'user',
    hint: m
      ? 'Flink counts lines and columns from the start of the statement; the position above is in the file.'
      : undefined,
  });
}

/**
 * Runs statements in a gateway session the way Flink's SQL client does with -f: SET and DDL change
 * the session, an INSERT is submitted and its job id printed (the command returns while it runs,
 * unless table.dml-sync is true), a SELECT's changelog is printed until it ends or Ctrl-C.
 */
async function runStatements(
  session: SqlGatewaySession,
  statements: readonly { text: string; line: number }[],
  file: string,
  io: CliIO,
): Promise<void> {
  const info = (message: string) => io.stderr.write(`[INFO] ${message}\n`);
  let interrupted = false;
  const unregister = io.onInterrupt(() => {
    interrupted = true;
  });
  try {
    for (const statement of statements) {
      if (interrupted) break;
      let outcome: Awaited<ReturnType<SqlGatewaySession['execute']>>;
      try {
        outcome = await session.execute(statement.text, {
          rowFormat: 'PLAIN_TEXT',
          onRows: (rows) => {
            if (isQuery(statement.text)) for (const row of rows) io.stdout.write(`${formatChange(row)}\n`);
          },
          until: () => interrupted,
        });
      } catch (err) {
        throw locate(err, statement, file);
      }
      if (outcome.isQuery) continue;
      if (outcome.jobId !== undefined)
        io.stdout.write(`Job has been submitted with JobID ${outcome.jobId}\n`);
      else if (outcome.columns.length === 1 && outcome.columns[0].name === 'result')
        info('Execute statement succeeded.');
      else printTable(outcome.columns, outcome.rows, io);
    }
  } finally {
    unregister();
  }
}

const isQuery = (sql: string) => /^\s*(\(\s*)*(SELECT|WITH|VALUES)\b/i.test(sql);

function printTable(columns: readonly GatewayColumn[], rows: readonly GatewayRow[], io: CliIO): void {
  io.stdout.write(
    `${[columns.map((c) => c.name).join('\t'), ...rows.map((r) => r.fields.map(formatField).join('\t'))].join('\n')}\n`,
  );
}

/** Reports the differences found before submission; throws when the script cannot run on Flink. */
function reportCompatibility(
  statements: readonly { text: string; line: number }[],
  properties: readonly [string, string][],
  file: string,
  io: CliIO,
): void {
  const report = checkForFlink(statements, properties, file);
  for (const w of report.warnings) io.stderr.write(`[WARN] ${w}\n`);
  if (report.errors.length > 0)
    throw new WeirError(
      'FLINK_TARGET_UNSUPPORTED',
      `The script cannot run on Flink:\n  ${report.errors.join('\n  ')}`,
      {
        hint: 'Use connectors both engines have (kafka, upsert-kafka, jdbc, filesystem, datagen, print, blackhole).',
      },
    );
}

/** `weir run --target flink=<gateway> -f job.sql`. */
export async function runOnFlink(
  target: FlinkTarget,
  flags: FlinkRunFlags & { file: string },
  io: CliIO,
): Promise<number> {
  const text = await readScript(flags.file);
  const statements = statementsOf(text);
  const properties = sessionProperties(flags);
  reportCompatibility(statements, properties, flags.file, io);
  const session = await SqlGatewaySession.open(target.url, Object.fromEntries(properties));
  io.stderr.write(`[INFO] Running ${flags.file} on the Flink cluster behind ${target.url}\n`);
  try {
    await runStatements(session, statements, flags.file, io);
  } finally {
    await session.close();
  }
  return EXIT_OK;
}

/**
 * `weir sql --target flink=<gateway>`: the statements of -i, then of -f or typed at the prompt, run in
 * one gateway session. A failing statement at the prompt is reported and the session goes on.
 */
export async function sqlOnFlink(
  target: FlinkTarget,
  flags: FlinkRunFlags,
  io: CliIO & { stdin: NodeJS.ReadableStream },
): Promise<number> {
  const properties = sessionProperties(flags);
  const scripts: { file: string; text: string }[] = [];
  for (const file of [flags.init, flags.file]) if (file) scripts.push({ file, text: await readScript(file) });
  for (const s of scripts) reportCompatibility(statementsOf(s.text), properties, s.file, io);
  const session = await SqlGatewaySession.open(target.url, Object.fromEntries(properties));
  try {
    for (const s of scripts) await runStatements(session, statementsOf(s.text), s.file, io);
    if (flags.file) return EXIT_OK;
    return await prompt(session, io);
  } finally {
    await session.close();
  }
}

async function prompt(
  session: SqlGatewaySession,
  io: CliIO & { stdin: NodeJS.ReadableStream },
): Promise<number> {
  const lines = createInterface({ input: io.stdin, terminal: false });
  let buffer = '';
  let failed = false;
  io.stdout.write('Flink SQL> ');
  for await (const line of lines) {
    buffer += `${line}\n`;
    const { statements, rest } = splitStatements(buffer);
    buffer = rest;
    for (const statement of statementsOf(statements.join(''))) {
      if (/^(QUIT|EXIT)$/i.test(statement.text.trim())) return failed ? EXIT_FAILURE : EXIT_OK;
      try {
        await runStatements(session, [statement], '<prompt>', io);
      } catch (err) {
        failed = true;
        io.stderr.write(`[ERROR] ${(err as Error).message}\n`);
      }
    }
    io.stdout.write(buffer.trim() === '' ? 'Flink SQL> ' : '> ');
  }
  return failed ? EXIT_FAILURE : EXIT_OK;
}
