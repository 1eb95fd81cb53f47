import { createSession } from '../../api/session.js';
import type { JobGraph, OperatorSpec } from '../../common/jobgraph.js';
import { isSensitiveKey } from '../../planner/index.js';
import { parseDynamicProperties, readScript } from '../script.js';
import type { CliIO } from './run.js';

export interface ExplainFlags {
  readonly file: string;
  readonly D: string[];
  readonly changelogMode?: boolean;
}

function maskedOptions(options: Readonly<Record<string, string>>): string {
  return Object.entries(options)
    .map(([k, v]) => `${k}=${isSensitiveKey(k) ? '******' : v}`)
    .join(', ');
}

function describeOperator(spec: OperatorSpec): string {
  switch (spec.kind) {
    case 'source':
    case 'sink':
    case 'sink-committer':
      return `${spec.kind} ${spec.connector.connector} [${maskedOptions(spec.connector.options)}]`;
    default:
      return spec.kind;
  }
}

/** The JobGraph as the runtime receives it: vertices with their stable ids, and the edges between them. */
export function formatJobGraph(job: JobGraph): string {
  const lines = [`== Job Graph ==`, `job: ${job.jobName} (JobGraph v${job.version})`];
  for (const v of job.vertices) {
    lines.push(`vertex ${v.id} ${v.name}`);
    lines.push(
      `  ${describeOperator(v.operator)}${v.parallelism ? `, parallelism ${v.parallelism}` : ''}${v.keyed ? `, keyed by ${v.keyed.fields.join(', ')}` : ''}`,
    );
  }
  for (const e of job.edges) {
    lines.push(`edge ${e.source} -> ${e.target} ${e.partitioner}${e.keys ? `(${e.keys.join(', ')})` : ''}`);
  }
  return lines.join('\n');
}

/**
 * `weir explain -f job.sql`: runs the script's DDL and SET statements and, for every INSERT, prints
 * Flink's EXPLAIN (abstract syntax tree, optimized physical plan, execution plan) and the JobGraph,
 * without starting anything.
 */
export async function explainCommand(flags: ExplainFlags, io: CliIO): Promise<number> {
  const text = await readScript(flags.file);
  const { session } = createSession(parseDynamicProperties(flags.D), {
    stdout: io.stdout,
    stderr: io.stderr,
  });
  for (const statement of session.parseScript(text, flags.file)) {
    if (statement.ast.kind === 'Insert') {
      io.stdout.write(`${session.explain(statement, { changelogMode: flags.changelogMode })}\n`);
      const result = session.execute(statement);
      if (result.kind === 'job') io.stdout.write(`\n${formatJobGraph(result.jobGraph)}\n\n`);
      continue;
    }
    const result = session.execute(statement);
    if (result.kind === 'explain') io.stdout.write(`${result.text}\n`);
  }
  return 0;
}
