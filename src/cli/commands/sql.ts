import { createInterface } from 'node:readline';
import { createSession } from '../../api/session.js';
import { formatError, isWeirError, WeirError } from '../../common/errors.js';
import { SQL_CLIENT_MAX_TABLE_RESULT_ROWS, SQL_CLIENT_RESULT_MODE } from '../../common/options.js';
import { type ResultCollector, tableauCollector } from '../../connectors/collect/index.js';
import { BUILTIN_WORKER_CONNECTORS } from '../../connectors/worker-registry.js';
import { builtInFunctionNames, KEYWORDS, type ParsedStatement, showCreate } from '../../planner/index.js';
import { type JobClient, submitJob } from '../../runtime/index.js';
import { sqlCompleter } from '../completion.js';
import { ControlPlane } from '../control-plane.js';
import { EXIT_FAILURE, EXIT_OK, reportError } from '../errors.js';
import { HISTORY_SIZE, loadHistory, saveHistory } from '../history.js';
import { TableResultView } from '../result-view.js';
import { parseDynamicProperties, readScript } from '../script.js';
import { splitStatements } from '../statement-splitter.js';
import { tableau } from '../tableau.js';
import type { CliIO } from './run.js';

export interface SqlFlags {
  readonly init?: string;
  /** Run this script and exit (Flink's `sql-client.sh -f`) instead of reading statements at a prompt. */
  readonly file?: string;
  readonly D: string[];
}

const PROMPT = 'Flink SQL> ';
const CONTINUATION = '> ';

const HELP = `The following commands are available:

CLEAR, HELP, QUIT / EXIT        the SQL client's own commands
SHOW JOBS                       the jobs started in this session
SHOW [USER] FUNCTIONS           the built-in (or user-defined) functions
SHOW CREATE TABLE / VIEW <name> the DDL of a table or view
STOP JOB '<id>' [WITH SAVEPOINT] [WITH DRAIN]
                                stop a job, optionally with a savepoint
SET / RESET / CREATE / DROP / SHOW / DESCRIBE / EXPLAIN / INSERT INTO …
                                Flink SQL statements; end each with ';'
BEGIN STATEMENT SET; … END;     the INSERTs in between run as one job
EXECUTE STATEMENT SET BEGIN … END;
                                the same in one statement
`;

/**
 * `weir sql`: Flink's SQL client. Statements typed at the prompt run as they are completed with
 * `;`; an INSERT starts a job that runs in this process until it ends, is stopped, or the client
 * exits. A mistake is reported with its position and the session goes on.
 */
export async function sqlCommand(
  flags: SqlFlags,
  io: CliIO & { stdin: NodeJS.ReadableStream },
): Promise<number> {
  const info = (message: string) => io.stdout.write(`[INFO] ${message}\n`);
  /** Where the running SELECT's changes go, in the session's result mode. */
  let resultView: ResultCollector = tableauCollector(io.stdout);
  const { session, runtimeConnectors } = createSession(parseDynamicProperties(flags.D), {
    stdout: io.stdout,
    stderr: io.stderr,
    results: () => resultView,
  });
  const terminal = (io.stdin as { isTTY?: boolean }).isTTY === true;
  /** Flink's default is `table`; for piped input (scripts, CI) weir prints the changes unless told otherwise. */
  const resultMode = () =>
    session.config.getRaw(SQL_CLIENT_RESULT_MODE.key) !== undefined || terminal
      ? session.config.require(SQL_CLIENT_RESULT_MODE)
      : 'tableau';
  const jobs: JobClient[] = [];
  /** What Ctrl-C on the terminal cancels while a SELECT shows its result. */
  const queryInterrupts = new Set<() => void>();
  const control = new ControlPlane(() => {});
  const report = (err: unknown) => {
    if (isWeirError(err) && err.kind !== 'internal') io.stdout.write(`[ERROR] ${formatError(err)}\n`);
    else reportError(err, (t) => io.stdout.write(t));
  };

  /** Runs one statement; 'failed' when it was a query whose job failed (already reported). */
  const executeStatement = async (statement: ParsedStatement): Promise<'failed' | undefined> => {
    const result = session.execute(statement);
    switch (result.kind) {
      case 'ok':
        io.stdout.write(`${result.message}\n`);
        return;
      case 'explain':
        io.stdout.write(`${result.text}\n`);
        return;
      case 'rows':
        io.stdout.write(`${tableau(result.columns, result.rows)}\n`);
        return;
      case 'job': {
        if (result.resultColumns) {
          // A SELECT shows its result here and holds the prompt until it ends; Ctrl-C cancels it.
          const table =
            resultMode() === 'table'
              ? new TableResultView(io.stdout, session.config.require(SQL_CLIENT_MAX_TABLE_RESULT_ROWS))
              : undefined;
          const tableauView = table ? undefined : tableauCollector(io.stdout);
          resultView = table ?? tableauView!;
          const job = await submitJob(result.jobGraph, {
            connectors: runtimeConnectors,
            workerConnectors: BUILTIN_WORKER_CONNECTORS,
            log: { info: () => {}, warn: (m) => io.stderr.write(`[WARN] ${m}\n`) },
          });
          // Ctrl-C cancels the query, not the client: as a signal when input is piped, and through
          // readline on a terminal (raw mode turns Ctrl-C into a key, not a signal).
          const cancelQuery = () => void job.cancel();
          const unregisterSignal = io.onInterrupt(cancelQuery);
          queryInterrupts.add(cancelQuery);
          const unregister = () => {
            unregisterSignal();
            queryInterrupts.delete(cancelQuery);
          };
          try {
            const end = await job.result;
            table?.finish();
            if (end.status === 'FAILED' && end.error) {
              report(end.error);
              return 'failed';
            }
            if (tableauView) tableauView.finish(end.status === 'CANCELED');
            else io.stdout.write(end.status === 'CANCELED' ? 'Query cancelled.\n' : 'Query finished.\n');
          } finally {
            unregister();
          }
          return;
        }
        info('Submitting SQL update statement to the cluster...');
        const job = await submitJob(result.jobGraph, {
          connectors: runtimeConnectors,
          workerConnectors: BUILTIN_WORKER_CONNECTORS,
          log: { info: () => {}, warn: (m) => io.stderr.write(`[WARN] ${m}\n`) },
        });
        jobs.push(job);
        await control.expose(job, result.jobGraph, session.config);
        info(`SQL update statement has been successfully submitted to the cluster:\nJob ID: ${job.jobId}\n`);
        void job.result.then((r) => {
          if (r.status === 'FAILED' && r.error) report(r.error);
        });
        return;
      }
      default: {
        const never: never = result;
        return never;
      }
    }
  };

  /** The client's own commands, which Flink's SQL client also handles itself. */
  const clientCommand = async (text: string): Promise<'quit' | 'handled' | undefined> => {
    const command = text.trim().replace(/;$/, '').trim();
    if (/^(quit|exit)$/i.test(command)) return 'quit';
    if (/^help$/i.test(command)) {
      io.stdout.write(HELP);
      return 'handled';
    }
    if (/^clear$/i.test(command)) {
      io.stdout.write('\x1b[2J\x1b[H');
      return 'handled';
    }
    if (/^show\s+jobs$/i.test(command)) {
      io.stdout.write(
        `${tableau(
          ['job id', 'job name', 'status', 'start time'],
          jobs.map((j) => [j.jobId, j.jobName, j.status, new Date(j.startTime).toISOString()]),
        )}\n`,
      );
      return 'handled';
    }
    // Flink's SHOW [USER] FUNCTIONS: the user-defined functions, and without USER the built-ins too.
    const functions = /^show\s+(user\s+)?functions$/i.exec(command);
    if (functions) {
      const user = session.functions.names();
      const names = functions[1] ? user : [...new Set([...builtInFunctionNames(), ...user])].sort();
      io.stdout.write(
        `${tableau(
          ['function name'],
          names.map((n) => [n]),
        )}\n`,
      );
      return 'handled';
    }
    // Flink's SHOW CREATE TABLE / VIEW: the DDL of a catalog object.
    const showCreateOf = /^show\s+create\s+(table|view)\s+(\S+)$/i.exec(command);
    if (showCreateOf) {
      const offset = text.indexOf(showCreateOf[2]);
      const pos = { offset, line: 1, column: offset + 1, length: showCreateOf[2].length };
      const parts = showCreateOf[2]
        .split('.')
        .map((p) => ({ kind: 'Ident' as const, value: p.replace(/`/g, ''), pos }));
      const object = session.catalog.lookup({ kind: 'QualifiedName', parts, pos });
      const wanted = showCreateOf[1].toLowerCase();
      if (object.kind !== wanted)
        throw new WeirError(
          'SQL_VALIDATION',
          `SHOW CREATE ${wanted.toUpperCase()} is only supported for ${wanted}s, but '${showCreateOf[2]}' is a ${object.kind}`,
          { hint: `use SHOW CREATE ${object.kind.toUpperCase()}` },
        );
      io.stdout.write(`${showCreate(object)}\n`);
      return 'handled';
    }
    const stop = /^stop\s+job\s+'([0-9a-f]+)'((?:\s+with\s+(?:savepoint|drain))*)$/i.exec(command);
    if (stop) {
      const job = jobs.find((j) => j.jobId === stop[1] || j.jobId.startsWith(stop[1]));
      if (!job)
        throw new WeirError('JOB_NOT_FOUND', `Could not find a job '${stop[1]}' in this session`, {
          hint: 'SHOW JOBS lists the jobs of this session.',
        });
      const withSavepoint = /savepoint/i.test(stop[2]);
      if (withSavepoint) {
        const { savepoint } = await job.stop({ drain: /drain/i.test(stop[2]) });
        io.stdout.write(`${tableau(['savepoint path'], [[`file:${savepoint}`]])}\n`);
      } else {
        await job.cancel();
        io.stdout.write('[INFO] Execute statement succeeded.\n');
      }
      return 'handled';
    }
    return undefined;
  };

  const execute = async (statements: readonly string[]): Promise<'quit' | undefined> => {
    for (const piece of statements) {
      try {
        const handled = await clientCommand(piece);
        if (handled === 'quit') return 'quit';
        if (handled) continue;
        for (const statement of session.parseScript(piece)) await executeStatement(statement);
      } catch (err) {
        report(err);
      }
    }
    return undefined;
  };

  if (flags.init) {
    const text = await readScript(flags.init);
    for (const statement of session.parseScript(text, flags.init)) await executeStatement(statement);
  }

  const shutDown = async () => {
    const running = jobs.filter((j) => j.status === 'RUNNING');
    if (running.length > 0) {
      info(`Cancelling ${running.length} running job(s); their latest checkpoints are kept.`);
      await Promise.all(running.map((j) => j.cancel()));
    }
    await control.close();
  };

  if (flags.file) {
    // Flink's `sql-client.sh -f`: statements in order; the first error ends the script with exit code 1.
    const file = flags.file;
    const text = await readScript(file);
    const { statements, offsets, rest } = splitStatements(text);
    const pieces = rest.trim() === '' ? statements : [...statements, rest];
    const starts = rest.trim() === '' ? offsets : [...offsets, text.length - rest.length];
    let failed = false;
    for (let i = 0; i < pieces.length && !failed; i++) {
      try {
        const handled = await clientCommand(pieces[i]);
        if (handled === 'quit') break;
        if (handled) continue;
        // Blank out what came before, so positions in errors are the file's lines and columns.
        const located = text.slice(0, starts[i]).replace(/[^\n]/g, ' ') + pieces[i];
        for (const statement of session.parseScript(located, file))
          if ((await executeStatement(statement)) === 'failed') failed = true;
      } catch (err) {
        report(err);
        failed = true;
      }
    }
    if (failed) {
      await shutDown();
      return EXIT_FAILURE;
    }
    // The script's jobs run in this process: wait for them (Ctrl-C cancels), as `weir run -f` does.
    const unregister = io.onInterrupt(() => {
      for (const job of jobs) void job.cancel();
    });
    const results = await Promise.all(jobs.map((j) => j.result));
    unregister();
    await shutDown();
    return results.some((r) => r.status === 'FAILED') ? EXIT_FAILURE : EXIT_OK;
  }

  const rl = createInterface({
    completer: sqlCompleter(session, KEYWORDS.keys()),
    input: io.stdin,
    output: io.stdout,
    terminal,
    history: terminal ? loadHistory() : [],
    historySize: HISTORY_SIZE,
  });
  if (terminal) rl.on('history', (lines: string[]) => saveHistory(lines));
  let buffer = '';
  rl.on('SIGINT', () => {
    if (queryInterrupts.size > 0) {
      for (const cancel of [...queryInterrupts]) cancel();
      return;
    }
    // At the prompt, Ctrl-C drops the statement being typed (Ctrl-D or QUIT; leaves).
    buffer = '';
    rl.write('', { ctrl: true, name: 'u' });
    io.stdout.write('^C\n');
    rl.setPrompt(PROMPT);
    rl.prompt();
  });
  rl.setPrompt(PROMPT);
  rl.prompt();
  for await (const line of rl) {
    buffer += `${line}\n`;
    const { statements, rest } = splitStatements(buffer);
    if (statements.length > 0) {
      buffer = rest.trim() === '' ? '' : rest;
      if ((await execute(statements)) === 'quit') break;
    }
    rl.setPrompt(buffer === '' ? PROMPT : CONTINUATION);
    rl.prompt();
  }
  rl.close();
  io.stdout.write('\nShutting down the session...\n');
  await shutDown();
  io.stdout.write('done.\n');
  return EXIT_OK;
}
