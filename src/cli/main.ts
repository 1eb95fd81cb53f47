import { Command, CommanderError, Option } from 'commander';
import { clusterStartCommand, clusterStopCommand } from './commands/cluster.js';
import { explainCommand } from './commands/explain.js';
import { cancelCommand, listCommand, savepointCommand, stopCommand } from './commands/jobs.js';
import { type CliIO, runCommand } from './commands/run.js';
import { sqlCommand } from './commands/sql.js';
import { EXIT_OK, EXIT_USAGE, reportError } from './errors.js';
import { parseTarget, runOnFlink, sqlOnFlink } from './targets/flink.js';

const collect = (value: string, previous: string[]) => [...previous, value];

/** `--target flink=<url>`: the same command against an Apache Flink cluster (src/cli/targets). */
const targetOption = (what: string) =>
  new Option('--target <engine=url>', `run on an Apache Flink cluster instead: flink=<${what} url>`);

function processIO(): CliIO {
  return {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    onInterrupt(handler) {
      const onSigint = () => handler('SIGINT');
      const onSigterm = () => handler('SIGTERM');
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigterm);
      return () => {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigterm);
      };
    },
  };
}

/** Runs the CLI and returns the exit code; never throws for a user's mistake. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('weir')
    .description('Flink SQL on Node.js: run Flink SQL scripts as streaming jobs with checkpoints.')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      // Commander's own error lines are reformatted below into one line with exit code 2.
      writeErr: (s) => {
        if (!s.startsWith('error:')) io.stderr.write(s);
      },
    });

  program
    .command('run')
    .description('Run the statements of a Flink SQL script; each INSERT becomes a streaming job.')
    .requiredOption('-f, --file <path>', 'the .sql script to run')
    .addOption(
      new Option(
        '-D <key=value>',
        'set a configuration option, e.g. -D execution.checkpointing.interval=10s (repeatable)',
      )
        .argParser(collect)
        .default([]),
    )
    .option('-p, --parallelism <n>', 'default parallelism of the job (parallelism.default)')
    .option(
      '-s, --fromSavepoint <path>',
      'restore from a savepoint or retained checkpoint (chk-<n> directory or _metadata)',
    )
    .option(
      '-n, --allowNonRestoredState',
      'allow state of operators that are no longer in the job to be dropped',
    )
    .option('-d, --detached', 'submit the jobs to the session cluster (weir cluster start) and return')
    .addOption(targetOption('SQL Gateway'))
    .helpOption('-h, --help', 'show help for run')
    .exitOverride()
    .action(async (flags) => {
      exitCode = flags.target
        ? await runOnFlink(parseTarget(flags.target), flags, io)
        : await runCommand(flags, io);
    });

  const cluster = program
    .command('cluster')
    .description('A local session cluster in the background, which `weir run -d` submits jobs to.')
    .helpOption('-h, --help', 'show help for cluster')
    .exitOverride();
  cluster
    .command('start')
    .description(
      'Start the cluster: its REST API on 127.0.0.1:8081 (-D rest.port=…), output in $WEIR_HOME/log.',
    )
    .addOption(
      new Option('-D <key=value>', 'set a configuration option of the cluster (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .option('--foreground', 'run the cluster in this process instead of in the background')
    .exitOverride()
    .action(async (flags) => {
      exitCode = await clusterStartCommand(flags, io);
    });
  cluster
    .command('stop')
    .description('Stop the cluster: its jobs are cancelled (retained checkpoints are kept).')
    .exitOverride()
    .action(async () => {
      exitCode = await clusterStopCommand(io);
    });

  program
    .command('explain')
    .description('Print the plan of every INSERT in a script (EXPLAIN and the JobGraph) without running it.')
    .requiredOption('-f, --file <path>', 'the .sql script to explain')
    .addOption(
      new Option('-D <key=value>', 'set a configuration option (repeatable)').argParser(collect).default([]),
    )
    .option('--changelog-mode', 'show the changelog mode of every plan node')
    .helpOption('-h, --help', 'show help for explain')
    .exitOverride()
    .action(async (flags) => {
      exitCode = await explainCommand(flags, io);
    });

  program
    .command('sql')
    .description("Flink's SQL client: type statements at the prompt; each INSERT starts a job.")
    .option('-i, --init <path>', 'a .sql file of statements (SET, CREATE …) to run before the prompt')
    .option('-f, --file <path>', 'run the statements of this .sql file and exit, instead of showing a prompt')
    .addOption(
      new Option('-D <key=value>', 'set a configuration option (repeatable)').argParser(collect).default([]),
    )
    .addOption(targetOption('SQL Gateway'))
    .exitOverride()
    .action(async (flags) => {
      const withStdin = { ...io, stdin: io.stdin ?? process.stdin };
      exitCode = flags.target
        ? await sqlOnFlink(parseTarget(flags.target), flags, withStdin)
        : await sqlCommand(flags, withStdin);
    });

  program
    .command('list')
    .description('List the running jobs (in this and other weir processes of this user).')
    .addOption(targetOption('REST API'))
    .exitOverride()
    .action(async (flags: { target?: string }) => {
      exitCode = await listCommand(io, flags.target ? parseTarget(flags.target) : undefined);
    });

  program
    .command('savepoint')
    .description('Take a savepoint of a running job.')
    .argument('<jobId>', 'the job (or a unique prefix of its id)')
    .argument('[targetDirectory]', "where to write it (default 'state.savepoints.dir' of the job)")
    .option(
      '-t, --type <type>',
      "canonical (readable by every state backend, the default) or native (the backend's own files, faster)",
    )
    .addOption(targetOption('REST API'))
    .exitOverride()
    .action(
      async (
        jobId: string,
        targetDirectory: string | undefined,
        flags: { type?: string; target?: string },
      ) => {
        exitCode = await savepointCommand(
          jobId,
          targetDirectory,
          io,
          flags,
          flags.target ? parseTarget(flags.target) : undefined,
        );
      },
    );

  program
    .command('stop')
    .description(
      'Stop a job with a savepoint: sources stop, sinks commit, the savepoint is written, the job finishes.',
    )
    .argument('<jobId>', 'the job (or a unique prefix of its id)')
    .option('-p, --savepointPath <dir>', "where to write the savepoint (default 'state.savepoints.dir')")
    .option('-d, --drain', 'end the input first, so event-time timers and windows fire (MAX_WATERMARK)')
    .option('-t, --type <type>', 'savepoint format: canonical (default) or native')
    .addOption(targetOption('REST API'))
    .exitOverride()
    .action(
      async (
        jobId: string,
        flags: { savepointPath?: string; drain?: boolean; type?: string; target?: string },
      ) => {
        exitCode = await stopCommand(jobId, flags, io, flags.target ? parseTarget(flags.target) : undefined);
      },
    );

  program
    .command('cancel')
    .description('Cancel a running job; its latest checkpoint is kept or deleted as its retention says.')
    .argument('<jobId>', 'the job (or a unique prefix of its id)')
    .addOption(targetOption('REST API'))
    .exitOverride()
    .action(async (jobId: string, flags: { target?: string }) => {
      exitCode = await cancelCommand(jobId, io, flags.target ? parseTarget(flags.target) : undefined);
    });

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return EXIT_USAGE;
    }
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
      ) {
        return EXIT_OK;
      }
      io.stderr.write(`weir: ${err.message.replace(/^error:\s*/, '')}\n`);
      return EXIT_USAGE;
    }
    return reportError(err, (t) => io.stderr.write(t));
  }
}
