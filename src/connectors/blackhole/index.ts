import type { ConnectorDescriptor } from '../../common/connector.js';
import type { RuntimeConnector } from '../../runtime/api/connectors.js';

/** Flink's 'blackhole' sink: accepts every row and discards it, for benchmarks and tests. */
export const blackholeDescriptor: ConnectorDescriptor = {
  identifier: 'blackhole',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};

export const blackholeConnector: RuntimeConnector = {
  identifier: 'blackhole',
  sink: {
    createWriter: () => ({
      open: () => {},
      processBatch: () => {},
    }),
  },
};
