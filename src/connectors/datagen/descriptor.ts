import { integerOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

export const ROWS_PER_SECOND = integerOption({
  key: 'rows-per-second',
  defaultValue: 10000,
  min: 1,
  description: 'Rows emitted per second, across all subtasks.',
});

export const NUMBER_OF_ROWS = integerOption({
  key: 'number-of-rows',
  min: 0,
  description: 'Total rows to emit; unbounded when unset (bounded anyway by any sequence field).',
});

export const SCAN_PARALLELISM = integerOption({
  key: 'scan.parallelism',
  min: 1,
  description: 'Parallelism of the source; defaults to parallelism.default.',
});

/**
 * Flink's 'datagen' connector. Per-field options live under 'fields.<name>.': kind (random or
 * sequence), min, max, max-past, length, start, end, null-rate, var-len.
 */
export const datagenDescriptor: ConnectorDescriptor = {
  identifier: 'datagen',
  requiredOptions: [],
  optionalOptions: [ROWS_PER_SECOND, NUMBER_OF_ROWS, SCAN_PARALLELISM],
  optionPrefixes: ['fields.'],
  source: { changelogMode: 'insert-only' },
};
