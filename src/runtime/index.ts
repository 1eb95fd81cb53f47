export type { RecordBatch } from './api/batch.js';
export type { RuntimeConnector, RuntimeConnectorRegistry, WorkerConnectorsSpec } from './api/connectors.js';
export type {
  Logger,
  OperatorContext,
  OperatorStateSnapshot,
  Output,
  StreamOperator,
} from './api/operator.js';
export type { SinkFactory } from './api/sink.js';
export type { PollResult, SourceFactory, SourceReader } from './api/source.js';
export type { CheckpointMetadata } from './checkpoint/metadata.js';
export { loadCheckpointMetadata } from './checkpoint/storage.js';
export { executeJob, type JobClient, type JobResult, newJobId, submitJob } from './jobs/local-executor.js';
export { type ClusterHandlers, type RegisteredJob, RestServer } from './jobs/rest-server.js';
export { workerThreadUtilization } from './jobs/worker-pool.js';
export type { TaskStatusReport } from './jobs/worker-protocol.js';
