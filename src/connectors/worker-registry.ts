import { compiledModuleUrl } from '../common/compiled-module.js';
import type { RuntimeConnector, WorkerConnectorsSpec } from '../runtime/api/connectors.js';
import { processStdio } from '../runtime/jobs/worker-stdio.js';
import { builtinConnectors } from './registry.js';

/**
 * What a worker thread loads to create connectors: the built-in ones that may run in a worker,
 * printing to the process's stdout and stderr (through the main thread, see worker-stdio.ts).
 */
export default function workerConnectors(): RuntimeConnector[] {
  return builtinConnectors({ ...processStdio(), processStdio: true })
    .map((c) => c.runtime)
    .filter((c) => c.runsInWorkers === true);
}

/** The ExecuteOptions.workerConnectors of weir's own CLI and library. */
export const BUILTIN_WORKER_CONNECTORS: WorkerConnectorsSpec = {
  module: compiledModuleUrl('./worker-registry.js', import.meta.url),
};
