import { booleanOption, integerOption, stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

export const PRINT_IDENTIFIER = stringOption({
  key: 'print-identifier',
  description: 'A message prefixed to every printed row, to tell sinks apart.',
});

export const STANDARD_ERROR = booleanOption({
  key: 'standard-error',
  defaultValue: false,
  description: 'Print to standard error instead of standard output.',
});

export const SINK_PARALLELISM = integerOption({
  key: 'sink.parallelism',
  min: 1,
  description: 'Parallelism of the print sink; defaults to that of its input.',
});

/** Flink's 'print' connector: prints every row, with its row kind, as Row.toString does. */
export const printDescriptor: ConnectorDescriptor = {
  identifier: 'print',
  requiredOptions: [],
  optionalOptions: [PRINT_IDENTIFIER, STANDARD_ERROR, SINK_PARALLELISM],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};
