import type { ConnectorDescriptor } from '../common/connector.js';
import type { RuntimeConnector } from '../runtime/api/connectors.js';
import { blackholeConnector, blackholeDescriptor } from './blackhole/index.js';
import {
  collectDescriptor,
  collectSinkFactory,
  type ResultCollector,
  tableauCollector,
} from './collect/index.js';
import { datagenDescriptor, datagenSourceFactory } from './datagen/index.js';
import {
  filesystemDescriptor,
  filesystemSinkFactory,
  filesystemSourceFactory,
  legacyFilesystemConnector,
  legacyFilesystemDescriptor,
} from './filesystem/index.js';
import { jdbcDescriptor } from './jdbc/descriptor.js';
import { lookupCacheOptions } from './jdbc/lookup-cache-options.js';
import { kafkaDescriptor } from './kafka/options.js';
import { upsertKafkaDescriptor } from './kafka/upsert/options.js';
import { lazySinkFactory, lazySourceFactory } from './lazy.js';
import { lazyLookupFactory } from './lazy-lookup.js';
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
  /**
   * stdout and stderr stand for the process's own even though they are other objects (a worker
   * thread's, forwarded to the main thread): `print` may then run in worker threads.
   */
  readonly processStdio?: boolean;
  /** Where a bare SELECT's changes go (the SQL client's result view); tableau lines on stdout by default. */
  readonly results?: () => ResultCollector;
}

export function builtinConnectors(env: ConnectorEnvironment): ConnectorEntry[] {
  // A worker thread's print sink writes to the process's stdout and stderr (through the main
  // thread): printing into anything else keeps it on the main thread.
  const printsToProcess =
    env.processStdio === true || (env.stdout === process.stdout && env.stderr === process.stderr);
  return [
    {
      descriptor: datagenDescriptor,
      runtime: { identifier: 'datagen', source: datagenSourceFactory, runsInWorkers: true },
    },
    {
      descriptor: nexmarkDescriptor,
      runtime: { identifier: 'nexmark', source: nexmarkSourceFactory, runsInWorkers: true },
    },
    {
      descriptor: filesystemDescriptor,
      runtime: {
        identifier: 'filesystem',
        source: filesystemSourceFactory,
        sink: filesystemSinkFactory,
        runsInWorkers: true,
      },
    },
    { descriptor: legacyFilesystemDescriptor, runtime: legacyFilesystemConnector },
    {
      descriptor: printDescriptor,
      runtime: { identifier: 'print', sink: printSinkFactory(env), runsInWorkers: printsToProcess },
    },
    { descriptor: blackholeDescriptor, runtime: { ...blackholeConnector, runsInWorkers: true } },
    {
      descriptor: collectDescriptor,
      runtime: {
        identifier: 'collect',
        sink: collectSinkFactory(env.results ?? (() => tableauCollector(env.stdout))),
      },
    },
    {
      descriptor: kafkaDescriptor,
      runtime: {
        identifier: 'kafka',
        runsInWorkers: true,
        source: lazySourceFactory(async () => (await import('./kafka/source.js')).kafkaSourceFactory),
        sink: lazySinkFactory(async () => (await import('./kafka/sink.js')).kafkaSinkFactory),
      },
    },
    {
      descriptor: upsertKafkaDescriptor,
      runtime: {
        identifier: 'upsert-kafka',
        runsInWorkers: true,
        source: lazySourceFactory(
          async () => (await import('./kafka/upsert/source.js')).upsertKafkaSourceFactory,
        ),
        sink: lazySinkFactory(async () => (await import('./kafka/upsert/sink.js')).upsertKafkaSinkFactory),
      },
    },
    {
      descriptor: jdbcDescriptor,
      runtime: {
        identifier: 'jdbc',
        runsInWorkers: true,
        source: lazySourceFactory(async () => (await import('./jdbc/source.js')).jdbcSourceFactory),
        sink: lazySinkFactory(async () => (await import('./jdbc/sink.js')).jdbcSinkFactory),
        lookup: lazyLookupFactory(
          async () => (await import('./jdbc/lookup.js')).jdbcLookupFactory,
          lookupCacheOptions,
        ),
      },
    },
  ];
}
