import { parentPort } from 'node:worker_threads';
import { Configuration } from '../../common/config.js';
import { MAX_PARALLELISM, PARALLELISM_DEFAULT } from '../../common/options.js';
import type { Logger } from '../api/operator.js';
import { buildExecutionGraph } from '../graph/execution-graph.js';
import { ThreadLink } from '../network/thread-link.js';
import type { StreamTask } from '../task/stream-task.js';
import { type Deployment, deployTasks, statusReport } from './task-deployment.js';
import {
  type FromWorker,
  loadWorkerConnectors,
  serializeError,
  type TaskStatusReport,
  type ToWorker,
  type WorkerInit,
} from './worker-protocol.js';

/**
 * The entry of a worker thread: it builds the subtasks placed on it from the JobGraph (the same
 * deployment code the main thread uses), runs them, and talks to the main thread's coordinator
 * and supervisor by messages (worker-protocol.ts).
 */

if (!parentPort) throw new Error('worker-main runs only as a worker thread');
const port = parentPort;

const post = (message: FromWorker) => port.postMessage(message);

// Calls that arrive while the tasks are still being created wait for them.
let handle: ((message: ToWorker) => void) | undefined;
const early: ToWorker[] = [];
port.on('message', (message: ToWorker) => {
  if (message.t === 'init') void start(message);
  else if (handle) handle(message);
  else early.push(message);
});

async function start(init: WorkerInit): Promise<void> {
  const log: Logger = {
    info: (message) => post({ t: 'log', level: 'info', message }),
    warn: (message) => post({ t: 'log', level: 'warn', message }),
  };
  let deployment: Deployment | undefined;
  let cancelled = false;
  try {
    const connectors = await loadWorkerConnectors(init.connectors);
    const config = new Configuration(Object.entries(init.job.config));
    const graph = buildExecutionGraph(
      init.job,
      config.require(PARALLELISM_DEFAULT),
      config.require(MAX_PARALLELISM),
    );
    const links = new Map(init.links.map((l) => [l.peer, new ThreadLink(l.port)]));
    deployment = deployTasks({
      job: init.job,
      jobId: init.jobId,
      config,
      graph,
      attemptNumber: init.attemptNumber,
      restored: new Map(init.restored),
      connectors,
      log,
      placement: init.placement,
      location: init.location,
      links,
      hooks: {
        acknowledgeCheckpoint: (task, checkpointId, states, metrics) =>
          post({ t: 'ack', task, checkpointId, states, metrics }),
        declineCheckpoint: (task, checkpointId, reason, subsumed) =>
          post({ t: 'decline', task, checkpointId, reason, subsumed }),
        endOfInput: (task) => post({ t: 'end-of-input', task }),
      },
    });
  } catch (err) {
    post({ t: 'failed', error: serializeError(err) });
    deployment?.closeChannels();
    post({ t: 'ended' });
    port.close();
    return;
  }
  const tasks = new Map<string, StreamTask>(deployment.tasks.map((d) => [d.task.taskName, d.task]));
  const cancelAll = () => {
    if (cancelled) return;
    cancelled = true;
    for (const task of tasks.values()) task.cancel();
    deployment.closeChannels();
  };
  handle = (message) => {
    if (message.t === 'cancel') return cancelAll();
    if (message.t !== 'call') return;
    const task = tasks.get(message.task);
    if (!task) return;
    switch (message.method) {
      case 'triggerCheckpoint':
        return task.triggerCheckpoint(...message.args);
      case 'notifyCheckpointComplete':
        return task.notifyCheckpointComplete(...message.args);
      case 'notifyCheckpointAborted':
        return task.notifyCheckpointAborted(...message.args);
      case 'stopSource':
        return task.stopSource(...message.args);
      case 'resumeSource':
        return task.resumeSource();
      case 'finish':
        return task.finish();
      default: {
        const never: never = message;
        return never;
      }
    }
  };
  for (const message of early.splice(0)) handle(message);

  const report = (): TaskStatusReport[] => [...tasks.values()].map((t) => statusReport(t, init.location));
  const status = setInterval(() => post({ t: 'status', reports: report() }), init.statusIntervalMs);
  await Promise.all(
    deployment.tasks.map((d) =>
      d
        .run()
        .catch((err: unknown) => post({ t: 'failed', task: d.task.taskName, error: serializeError(err) })),
    ),
  );
  clearInterval(status);
  // The final counts, so the job's metrics after it ended are exact.
  post({ t: 'status', reports: report() });
  deployment.closeChannels();
  post({ t: 'ended' });
  // With nothing left to wait for, the thread exits by itself, after its stdout (print sinks) is
  // flushed to the main thread.
  port.close();
}
