/**
 * weir as a library: Flink SQL in a Node.js program or test, with the planner, runtime and
 * connectors of the `weir` command.
 *
 *   import { createEnvironment } from 'weir';
 *   const env = createEnvironment();
 *   await env.executeSql("CREATE TABLE …");
 *   const result = await env.executeSql('SELECT …');
 *   for await (const { kind, values } of result.collect()) …;
 */

export { isWeirError, WeirError } from '../common/errors.js';
export type { JobClient, JobResult } from '../runtime/index.js';
export type { ChangelogRow } from './collect-queue.js';
export {
  createEnvironment,
  type EnvironmentOptions,
  type TableEnvironment,
  type TableResult,
} from './environment.js';
