import { durationOption, enumOption, memoryOption, stringOption } from '../../common/config.js';
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

export const PARTITION_COMMIT_TRIGGER = enumOption({
  key: 'sink.partition-commit.trigger',
  values: ['process-time', 'partition-time'] as const,
  defaultValue: 'process-time',
  description:
    "When a partition is complete: 'process-time' (the committer's clock passes the partition's creation time plus the delay) or 'partition-time' (the watermark passes the time extracted from the partition values plus the delay).",
});

export const PARTITION_COMMIT_DELAY = durationOption({
  key: 'sink.partition-commit.delay',
  defaultValue: 0,
  description: 'How long after its time a partition is committed.',
});

export const PARTITION_COMMIT_POLICY = stringOption({
  key: 'sink.partition-commit.policy.kind',
  description: "How a complete partition is committed: 'success-file' writes an empty marker file into it.",
});

export const PARTITION_COMMIT_SUCCESS_FILE = stringOption({
  key: 'sink.partition-commit.success-file.name',
  defaultValue: '_SUCCESS',
  description: "The success file's name.",
});

export const PARTITION_WATERMARK_TIME_ZONE = stringOption({
  key: 'sink.partition-commit.watermark-time-zone',
  defaultValue: 'UTC',
  description: 'The time zone of partition times, for a TIMESTAMP_LTZ watermark (weir compares in UTC).',
});

export const PARTITION_TIMESTAMP_PATTERN = stringOption({
  key: 'partition.time-extractor.timestamp-pattern',
  description:
    "How a partition's time is built from its values, e.g. '$dt $hm:00'; by default the first partition value.",
});

export const PARTITION_TIMESTAMP_FORMATTER = stringOption({
  key: 'partition.time-extractor.timestamp-formatter',
  defaultValue: 'yyyy-MM-dd HH:mm:ss',
  description: 'The java.time pattern the extracted partition time is parsed with.',
});

export const PARTITION_DEFAULT_NAME = stringOption({
  key: 'partition.default-name',
  defaultValue: '__DEFAULT_PARTITION__',
  description: 'The directory name of a partition whose value is NULL or empty.',
});

const PARTITION_OPTIONS = [
  PARTITION_COMMIT_TRIGGER,
  PARTITION_COMMIT_DELAY,
  PARTITION_COMMIT_POLICY,
  PARTITION_COMMIT_SUCCESS_FILE,
  PARTITION_WATERMARK_TIME_ZONE,
  PARTITION_TIMESTAMP_PATTERN,
  PARTITION_TIMESTAMP_FORMATTER,
  PARTITION_DEFAULT_NAME,
];

/** 'path' as a local path: Flink's `file://` URIs name local files too. */
export function localPath(path: string): string {
  return path.startsWith('file://') ? path.slice('file://'.length) : path;
}

/**
 * Flink's 'filesystem' connector, as a bounded source — every file under 'path' is a split, read
 * line by line with the table's format, partition columns taken from `k=v/` directories — and an
 * exactly-once append sink writing part files (into `k=v/` directories for a partitioned table)
 * that are committed (renamed into view) when a checkpoint completes. ('source.monitor-interval', which makes Flink's source
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
