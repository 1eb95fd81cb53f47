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
import { forwardStdioToParent, stdioWritten } from './worker-stdio.js';

/**
 * The entry of a worker thread: it builds the subtasks placed on it from the JobGraph (the same
 * deployment code the main thread uses), runs them, and talks to the main thread's coordinator
 * and supervisor by messages (worker-protocol.ts). A worker is pooled (worker-pool.ts): after its
 * tasks have ended it says 'ended' and waits for the next 'init', of a restarted attempt or of
 * another job, one at a time.
 */

if (!parentPort) throw new Error('worker-main runs only as a worker thread');
const port = parentPort;
forwardStdioToParent();

/** The messages for the tasks of the current 'init'; undefined when the worker is idle. */
let current: ((message: ToWorker) => void) | undefined;
port.on('message', (message: ToWorker) => {
  if (message.t === 'init') current = start(message);
  else if (message.t === 'stdio-written') stdioWritten(message.stream, message.characters);
  else current?.(message);
});

/** Runs one attempt's tasks; returns what handles the main thread's calls on them. */
function start(init: WorkerInit): (message: ToWorker) => void {
  // Nothing of this attempt is posted after 'ended' (a connector logging from a timer after
  // close): the main thread may already have handed the worker to another attempt.
  let live = true;
  const post = (message: FromWorker) => {
    if (live) port.postMessage(message);
  };
  const end = () => {
    post({ t: 'ended' });
    live = false;
    current = undefined;
  };
  // Calls that arrive while the tasks are still being created wait for them.
  const early: ToWorker[] = [];
  let handle: ((message: ToWorker) => void) | undefined;
  void run(init, post, end, (h) => {
    handle = h;
    for (const message of early.splice(0)) h(message);
  });
  return (message) => {
    if (handle) handle(message);
    else early.push(message);
  };
}

async function run(
  init: WorkerInit,
  post: (message: FromWorker) => void,
  end: () => void,
  ready: (handle: (message: ToWorker) => void) => void,
): Promise<void> {
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
    for (const l of init.links) l.port.close();
    end();
    return;
  }
  const tasks = new Map<string, StreamTask>(deployment.tasks.map((d) => [d.task.taskName, d.task]));
  const cancelAll = () => {
    if (cancelled) return;
    cancelled = true;
    for (const task of tasks.values()) task.cancel();
    deployment.closeChannels();
  };
  ready((message) => {
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
  });

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
  end();
}
