import { splitStatements } from '../../src/cli/statement-splitter.js';
import { SqlGatewaySession } from '../../src/cli/targets/sql-gateway.js';
import { applyChangelog } from './flink-rows.js';

/**
 * Runs a script on Flink in a fresh gateway session (streaming mode, UTC, parallelism 1) and returns
 * the final table of its last statement, a SELECT: its changelog applied, one canonical row each.
 */
export async function runOnFlink(
  gatewayUrl: string,
  script: string,
  properties: Record<string, string> = {},
): Promise<string[]> {
  const session = await SqlGatewaySession.open(gatewayUrl, {
    'execution.runtime-mode': 'streaming',
    'table.local-time-zone': 'UTC',
    'parallelism.default': '1',
    ...properties,
  });
  try {
    const statements = splitStatements(
      `${script.trim()}${script.trim().endsWith(';') ? '' : ';'}`,
    ).statements.map((s) => s.replace(/;\s*$/, ''));
    for (const statement of statements.slice(0, -1)) await session.execute(statement);
    const result = await session.execute(statements[statements.length - 1], { rowFormat: 'PLAIN_TEXT' });
    return applyChangelog(result.columns, result.rows);
  } finally {
    await session.close();
  }
}
