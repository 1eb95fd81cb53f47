import { stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

export const PATH = stringOption({
  key: 'path',
  description: 'A file, or a directory whose files (hidden ones, starting with . or _, aside) are read.',
});

export const FORMAT = stringOption({
  key: 'format',
  description: "The format of each line: 'csv', 'json' or 'raw'.",
});

/**
 * Flink's 'filesystem' connector, as a bounded source: every file under 'path' is a split, read
 * line by line with the table's format. ('source.monitor-interval', which makes Flink's source
 * watch the directory forever, is not supported, so the planner rejects it as an unknown option.)
 */
export const filesystemDescriptor: ConnectorDescriptor = {
  identifier: 'filesystem',
  requiredOptions: [PATH, FORMAT],
  optionalOptions: [],
  source: { changelogMode: 'insert-only', bounded: true },
};
