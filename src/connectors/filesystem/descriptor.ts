import { durationOption, memoryOption, stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

export const PATH = stringOption({
  key: 'path',
  description: 'A file, or a directory whose files (hidden ones, starting with . or _, aside) are read.',
});

export const FORMAT = stringOption({
  key: 'format',
  description: "The format of each line: 'csv', 'json' or 'raw'.",
});

export const ROLLING_FILE_SIZE = memoryOption({
  key: 'sink.rolling-policy.file-size',
  defaultValue: 128 * 1024 * 1024,
  description: 'A part file larger than this is closed and a new one started.',
});

export const ROLLING_ROLLOVER_INTERVAL = durationOption({
  key: 'sink.rolling-policy.rollover-interval',
  defaultValue: 30 * 60 * 1000,
  description: 'A part file open longer than this is closed and a new one started.',
});

export const ROLLING_CHECK_INTERVAL = durationOption({
  key: 'sink.rolling-policy.check-interval',
  defaultValue: 60 * 1000,
  description: 'How often the rollover interval is checked (weir checks it whenever rows arrive).',
});

/**
 * Flink's partition options: accepted so that a partitioned table's DDL validates, but partitioned
 * tables themselves are rejected when a query reads or writes one (SQL_UNSUPPORTED).
 */
const PARTITION_OPTIONS = [
  'sink.partition-commit.trigger',
  'sink.partition-commit.delay',
  'sink.partition-commit.policy.kind',
  'sink.partition-commit.watermark-time-zone',
  'sink.partition-commit.success-file.name',
  'partition.time-extractor.timestamp-pattern',
  'partition.default-name',
].map((key) =>
  stringOption({ key, description: 'For partitioned tables, which weir does not support yet.' }),
);

/** 'path' as a local path: Flink's `file://` URIs name local files too. */
export function localPath(path: string): string {
  return path.startsWith('file://') ? path.slice('file://'.length) : path;
}

/**
 * Flink's 'filesystem' connector, as a bounded source — every file under 'path' is a split, read
 * line by line with the table's format — and an exactly-once append sink writing part files that
 * are committed (renamed into view) when a checkpoint completes. ('source.monitor-interval', which makes Flink's source
 * watch the directory forever, is not supported, so the planner rejects it as an unknown option.)
 */
export const filesystemDescriptor: ConnectorDescriptor = {
  identifier: 'filesystem',
  requiredOptions: [PATH, FORMAT],
  optionalOptions: [
    ROLLING_FILE_SIZE,
    ROLLING_ROLLOVER_INTERVAL,
    ROLLING_CHECK_INTERVAL,
    ...PARTITION_OPTIONS,
  ],
  source: { changelogMode: 'insert-only', bounded: true },
  sink: { acceptedChangelogModes: ['insert-only'] },
};
