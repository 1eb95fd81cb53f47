import { createSession } from '../../api/session.js';
import { CORE_OPTIONS } from '../../common/options.js';
import { functionLanguage } from '../../planner/index.js';

/**
 * What weir finds, before a script goes to a Flink cluster, that would behave differently there or
 * on weir: `errors` stop the submission (the job could not start on Flink), `warnings` are printed.
 */
export interface CompatibilityReport {
  readonly errors: string[];
  readonly warnings: string[];
}

/**
 * Connectors weir has that a Flink 1.20 cluster does not: the job would fail on Flink with "Could
 * not find any factory for identifier" after the earlier statements had already run.
 */
const WEIR_ONLY_CONNECTORS: Readonly<Record<string, string>> = {
  nexmark:
    "weir's built-in Nexmark generator; Flink needs the nexmark-flink jar, which is not on Maven Central, and its options differ",
  collect: "weir's internal sink for a SELECT's rows",
};

/** Options the SQL Gateway does not apply: they shape the SQL client's output, which weir prints here. */
const CLIENT_SIDE_OPTIONS = new Set([
  'sql-client.execution.result-mode',
  'sql-client.execution.max-table-result.rows',
]);

/** Options of a Flink cluster that only matter to weir's own local runs. */
const WEIR_LOCAL_OPTIONS = new Set(['rest.port', 'rest.bind-address']);

const SET = /^\s*SET\s+'([^']+)'\s*=\s*'([^']*)'\s*;?\s*$/i;
const CONNECTOR = /'connector'\s*=\s*'([^']+)'/gi;

/**
 * Checks the script's statements and the -D properties. Every statement is also planned by weir (nothing
 * runs): one weir cannot plan is a feature Flink has and weir does not, worth knowing before relying
 * on running the same script on weir.
 */
export function checkForFlink(
  statements: readonly { text: string; line: number }[],
  properties: readonly (readonly [string, string])[],
  file: string,
): CompatibilityReport {
  const errors: string[] = [];
  const warnings: string[] = [];
  const keys = [
    ...properties.map(([k]) => ({ key: k, where: '-D' })),
    ...statements.flatMap((s) => {
      const m = SET.exec(s.text.replace(/^(\s|--[^\n]*\n)*/, ''));
      return m ? [{ key: m[1], where: `${file}:${s.line}` }] : [];
    }),
  ];
  for (const { key, where } of keys) {
    if (CLIENT_SIDE_OPTIONS.has(key))
      warnings.push(`${where}: '${key}' shapes the SQL client's output; the Flink SQL Gateway ignores it`);
    else if (WEIR_LOCAL_OPTIONS.has(key))
      warnings.push(
        `${where}: '${key}' configures weir's own REST API; the Flink cluster's is already running`,
      );
    else if (!CORE_OPTIONS.get(key) && !/^(table\.|sql-gateway\.|state\.backend\.rocksdb\.)/.test(key))
      warnings.push(
        `${where}: weir does not know option '${key}'; Flink will apply it, weir would ignore it`,
      );
  }
  for (const s of statements) {
    for (const m of s.text.matchAll(CONNECTOR)) {
      const reason = WEIR_ONLY_CONNECTORS[m[1].toLowerCase()];
      if (reason) errors.push(`${file}:${s.line}: connector '${m[1]}' is not on a Flink cluster: ${reason}`);
    }
  }
  const quiet = { write: () => true, once: () => undefined };
  const { session } = createSession(
    properties.map(([k, v]) => [k, v] as [string, string]),
    { stdout: quiet, stderr: quiet },
  );
  for (const s of statements) {
    try {
      for (const parsed of session.parseScript(s.text, file)) {
        // A JavaScript function cannot run in Flink's JVM: the CREATE FUNCTION would fail there.
        if (parsed.ast.kind === 'CreateFunction' && functionLanguage(parsed.ast) === 'JAVASCRIPT')
          errors.push(
            `${file}:${s.line}: a JavaScript function (LANGUAGE JAVASCRIPT or a .js module) cannot run on a Flink cluster; Flink needs a JVM class in a jar (USING JAR)`,
          );
        session.execute(parsed);
      }
    } catch (err) {
      const message = (err as Error).message.split('\n')[0];
      warnings.push(`${file}:${s.line}: weir could not run this statement itself (Flink may): ${message}`);
    }
  }
  return { errors, warnings };
}
