import type { ConnectorDescriptor } from '../common/connector.js';
import type { RuntimeConnector } from '../runtime/api/connectors.js';
import { blackholeConnector, blackholeDescriptor } from './blackhole/index.js';
import { datagenDescriptor, datagenSourceFactory } from './datagen/index.js';
import { jdbcConnector, jdbcDescriptor } from './jdbc/index.js';
import { kafkaConnector, kafkaDescriptor } from './kafka/index.js';
import { nexmarkDescriptor, nexmarkSourceFactory } from './nexmark/index.js';
import { type PrintTarget, printDescriptor, printSinkFactory } from './print/index.js';

/**
 * Every connector weir ships, in one list: the planner gets their descriptors, the runtime their
 * factories. Adding a connector is a folder and a line here.
 */
export interface ConnectorEntry {
  readonly descriptor: ConnectorDescriptor;
  readonly runtime: RuntimeConnector;
}

export interface ConnectorEnvironment {
  readonly stdout: PrintTarget;
  readonly stderr: PrintTarget;
}

export function builtinConnectors(env: ConnectorEnvironment): ConnectorEntry[] {
  return [
    { descriptor: datagenDescriptor, runtime: { identifier: 'datagen', source: datagenSourceFactory } },
    { descriptor: nexmarkDescriptor, runtime: { identifier: 'nexmark', source: nexmarkSourceFactory } },
    { descriptor: printDescriptor, runtime: { identifier: 'print', sink: printSinkFactory(env) } },
    { descriptor: blackholeDescriptor, runtime: blackholeConnector },
    { descriptor: kafkaDescriptor, runtime: kafkaConnector },
    { descriptor: jdbcDescriptor, runtime: jdbcConnector },
  ];
}
