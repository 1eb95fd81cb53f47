import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { StreamOperator } from './operator.js';

/**
 * A sink is a stream operator at the end of a chain. Transactional sinks (Kafka, JDBC) pre-commit
 * in snapshotState, keep the committables in their state, and commit them in
 * notifyCheckpointComplete — and again from restored state, so commits must be idempotent.
 */
export interface SinkFactory {
  createWriter(spec: ConnectorSpec): StreamOperator;
  /**
   * The committer that runs after the writers when the planner adds one (a 'sink-committer'
   * vertex): it receives what the writers emit and finishes their commits globally.
   */
  createCommitter?(spec: ConnectorSpec): StreamOperator;
}
