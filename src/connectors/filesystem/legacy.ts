import { integerOption, stringOption } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { RuntimeConnector } from '../../runtime/api/connectors.js';
import type { LookupFunction } from '../../runtime/api/lookup.js';
import type { OperatorContext, Output } from '../../runtime/api/operator.js';
import { FileSystemSourceReader, filesystemSourceFactory } from './source.js';

/**
 * Flink's legacy filesystem table (`'connector.type' = 'filesystem'`, `'connector.path'`,
 * `'format.type' = 'csv'`), removed in Flink 1.14 but still written by scripts such as Nexmark's
 * q13. Flink ran it with its CsvTableSource, which is also a lookup source (the whole file read
 * into memory, keyed by the lookup columns): so is this one. The current 'filesystem' connector,
 * as in Flink, cannot be looked up.
 */
export const LEGACY_FILESYSTEM = 'legacy-filesystem';

export const legacyFilesystemDescriptor: ConnectorDescriptor = {
  identifier: LEGACY_FILESYSTEM,
  legacyType: 'filesystem',
  requiredOptions: [
    stringOption({ key: 'connector.type', description: "'filesystem': Flink's legacy descriptor form." }),
    stringOption({ key: 'connector.path', description: "The file or directory, as 'path' of 'filesystem'." }),
    stringOption({
      key: 'format.type',
      description: "The format of each line, as 'format' of 'filesystem'.",
    }),
  ],
  optionalOptions: [
    integerOption({ key: 'connector.property-version', description: 'Accepted and ignored.' }),
    integerOption({ key: 'format.property-version', description: 'Accepted and ignored.' }),
  ],
  // The legacy format's own keys ('format.field-delimiter' …) go to the format as '<type>.…'.
  optionPrefixes: ['format.'],
  source: { changelogMode: 'insert-only', bounded: true },
  lookup: true,
};

/** The table as the current 'filesystem' connector reads it. */
export function currentFormSpec(spec: ConnectorSpec): ConnectorSpec {
  const o = spec.options;
  const format = o['format.type'];
  const formatOptions = Object.entries(o)
    .filter(([k]) => k.startsWith('format.') && k !== 'format.type' && k !== 'format.property-version')
    .map(([k, v]) => [`${format}.${k.slice('format.'.length)}`, v]);
  return {
    ...spec,
    connector: 'filesystem',
    options: {
      connector: 'filesystem',
      path: o['connector.path'],
      format,
      ...Object.fromEntries(formatOptions),
    },
  };
}

/** Flink's CsvLookupFunction: every row of the table read at open, kept by its key. */
class FileLookupFunction implements LookupFunction {
  private readonly rowsByKey = new Map<string, unknown[][]>();

  constructor(
    private readonly spec: ConnectorSpec,
    private readonly keyFields: readonly number[],
  ) {}

  async open(ctx: OperatorContext): Promise<void> {
    const reader = new FileSystemSourceReader(currentFormSpec(this.spec));
    reader.initializeState(undefined);
    reader.open({ ...ctx, parallelism: 1, subtaskIndex: 0 });
    const output: Output = {
      emit: (batch) => {
        for (const row of batch.rows) {
          const key = this.keyFields.map((k) => row[k]);
          if (key.some((v) => v === null || v === undefined)) continue;
          const text = keyText(key);
          const list = this.rowsByKey.get(text);
          if (list) list.push(row);
          else this.rowsByKey.set(text, [row]);
        }
      },
      emitWatermark: () => {},
    };
    try {
      while ((await reader.poll(output)).status !== 'end') {}
    } finally {
      reader.close();
    }
  }

  async lookup(keys: readonly (readonly unknown[])[]): Promise<readonly (readonly unknown[][])[]> {
    return keys.map((k) => this.rowsByKey.get(keyText(k)) ?? []);
  }

  close(): void {
    this.rowsByKey.clear();
  }
}

const keyText = (values: readonly unknown[]) =>
  values.map((v) => `${typeof v}:${typeof v === 'bigint' ? `${v}n` : String(v)}`).join('\u0000');

export const legacyFilesystemConnector: RuntimeConnector = {
  identifier: LEGACY_FILESYSTEM,
  source: { createReader: (spec) => filesystemSourceFactory.createReader(currentFormSpec(spec)) },
  lookup: {
    createLookup: (spec, keyFields) => ({ function: new FileLookupFunction(spec, keyFields) }),
  },
};
