import { booleanOption, integerOption, stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

/**
 * Connector descriptors of the shape the real connectors export, so planner tests do not depend on
 * src/connectors (which the planner must never import).
 */
export const datagen: ConnectorDescriptor = {
  identifier: 'datagen',
  requiredOptions: [],
  optionalOptions: [
    integerOption({ key: 'rows-per-second', min: 1, description: 'Rows per second.' }),
    integerOption({ key: 'number-of-rows', min: 0, description: 'Total rows.' }),
  ],
  optionPrefixes: ['fields.'],
  source: { changelogMode: 'insert-only' },
};

export const print: ConnectorDescriptor = {
  identifier: 'print',
  requiredOptions: [],
  optionalOptions: [
    stringOption({ key: 'print-identifier', description: 'Prefix of printed rows.' }),
    booleanOption({ key: 'standard-error', description: 'Print to stderr.' }),
  ],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};

/** A connector with a required and a secret option, to test those paths. */
export const vault: ConnectorDescriptor = {
  identifier: 'vault',
  requiredOptions: [stringOption({ key: 'url', description: 'Where the vault is.' })],
  optionalOptions: [
    stringOption({ key: 'password', description: 'Secret.', sensitive: true }),
    integerOption({ key: 'port', min: 1, max: 65535, description: 'Port.' }),
    stringOption({ key: 'format', description: 'Format.' }),
  ],
  source: { changelogMode: 'upsert' },
  sink: { acceptedChangelogModes: ['insert-only'] },
};

/** The Nexmark generator's options as the upstream DDL sets them (the real descriptor has more). */
export const nexmark: ConnectorDescriptor = {
  identifier: 'nexmark',
  requiredOptions: [],
  optionalOptions: [
    integerOption({ key: 'first-event.rate', min: 1, description: 'Events per second.' }),
    integerOption({ key: 'next-event.rate', min: 1, description: 'Events per second.' }),
    integerOption({ key: 'events.num', min: 0, description: 'Events in total.' }),
    integerOption({ key: 'person.proportion', min: 0, description: 'Person share.' }),
    integerOption({ key: 'auction.proportion', min: 0, description: 'Auction share.' }),
    integerOption({ key: 'bid.proportion', min: 0, description: 'Bid share.' }),
  ],
  source: { changelogMode: 'insert-only' },
};

export const blackhole: ConnectorDescriptor = {
  identifier: 'blackhole',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};

export const TEST_CONNECTORS: readonly ConnectorDescriptor[] = [datagen, print, vault];

/** With the Nexmark source and the blackhole sink, for the upstream Nexmark scripts. */
export const NEXMARK_TEST_CONNECTORS: readonly ConnectorDescriptor[] = [
  ...TEST_CONNECTORS,
  nexmark,
  blackhole,
];
