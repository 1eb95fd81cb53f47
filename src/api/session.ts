import { Configuration, validateSetting } from '../common/config.js';
import { WeirError } from '../common/errors.js';
import { CORE_OPTIONS } from '../common/options.js';
import { builtinConnectors, type ConnectorEnvironment } from '../connectors/registry.js';
import { SqlSession } from '../planner/index.js';
import type { RuntimeConnector } from '../runtime/index.js';

/** The planner session and runtime connectors of one CLI invocation or one library environment: where the planner, the runtime and the connectors meet. */
export function createSession(
  dynamicProperties: readonly [string, string][],
  env: ConnectorEnvironment,
): { session: SqlSession; runtimeConnectors: ReadonlyMap<string, RuntimeConnector> } {
  const config = new Configuration();
  for (const [key, value] of dynamicProperties) {
    try {
      validateSetting(CORE_OPTIONS, key, value);
    } catch (err) {
      if (err instanceof WeirError)
        throw new WeirError(err.code, `-D ${key}: ${err.message}`, { hint: err.hint });
      throw err;
    }
    config.set(key, value);
  }
  const connectors = builtinConnectors(env);
  return {
    session: new SqlSession({ connectors: connectors.map((c) => c.descriptor), config }),
    runtimeConnectors: new Map(connectors.map((c) => [c.runtime.identifier, c.runtime])),
  };
}
