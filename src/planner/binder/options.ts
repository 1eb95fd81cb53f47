import { type ConfigOption, parseOptionValue } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';
import { didYouMean, isWeirError, WeirError } from '../../common/errors.js';
import type { CreateTable, TableOption } from '../parser/ast.js';
import { isSensitiveKey } from '../parser/printer.js';

/**
 * Checks a table's WITH options against its connector's descriptor, as Flink's FactoryUtil does:
 * the connector must exist, every key must be declared (or fall under a prefix the connector or
 * its format owns), required options must be present, and each value must parse. Errors point at
 * the offending key or value in the WITH clause.
 */

function optionError(message: string, at: TableOption['keyPos'], hint?: string): WeirError {
  return new WeirError('SQL_VALIDATION', message, { position: at, hint });
}

export function validateConnectorOptions(
  ddl: CreateTable,
  connectors: ReadonlyMap<string, ConnectorDescriptor>,
): ConnectorDescriptor {
  const connectorOption = ddl.options.find((o) => o.key === 'connector');
  // A connector for the legacy form only is not named with 'connector' (nor listed as available).
  const known = [...connectors.values()]
    .filter((d) => !d.legacyType)
    .map((d) => d.identifier)
    .sort();
  const legacy = ddl.options.find((o) => o.key === 'connector.type');
  const legacyDescriptor =
    !connectorOption && legacy ? legacyConnector({ 'connector.type': legacy.value }, connectors) : undefined;
  if (!connectorOption && legacy && !legacyDescriptor) {
    // Flink's legacy descriptor options (connector.type, connector.path, format.type), removed in Flink 1.14.
    throw new WeirError(
      'SQL_UNSUPPORTED',
      `Legacy connector options ('connector.type' = '${legacy.value}') are not supported yet`,
      {
        position: legacy.keyPos,
        hint: `write the current form: 'connector' = '${legacy.value}' with that connector's options (e.g. 'path', 'format')`,
      },
    );
  }
  const named = connectorOption ?? (legacyDescriptor ? legacy : undefined);
  if (!named) {
    throw new WeirError(
      'SQL_VALIDATION',
      "Table options do not contain an option key 'connector' for discovering a connector",
      {
        position: ddl.name.pos,
        hint: `add 'connector' = '…' to the WITH clause; available connectors: ${known.join(', ')}`,
      },
    );
  }
  const byName = connectors.get(named.value);
  const descriptor = legacyDescriptor ?? (byName?.legacyType ? undefined : byName);
  if (!descriptor) {
    const guess = didYouMean(named.value, known);
    throw optionError(
      `Could not find any factory for identifier '${named.value}'`,
      named.valuePos,
      `${guess ? `did you mean '${guess}'? ` : ''}available connectors: ${known.join(', ')}`,
    );
  }

  const declared = new Map<string, ConfigOption<unknown>>();
  for (const o of [...descriptor.requiredOptions, ...descriptor.optionalOptions]) {
    for (const k of [o.key, ...o.fallbackKeys]) declared.set(k, o);
  }

  // A format the connector declared owns the keys under its identifier ('json.ignore-parse-errors'); its factory checks them.
  const prefixes = [...(descriptor.optionPrefixes ?? [])];
  for (const o of ddl.options) {
    if (o.key === 'format') prefixes.push(`${o.value}.`);
    if (o.key === 'key.format') prefixes.push(`key.${o.value}.`);
    if (o.key === 'value.format') prefixes.push(`value.${o.value}.`, `${o.value}.`);
  }

  for (const o of ddl.options) {
    if (o.key === 'connector') continue;
    const option = declared.get(o.key);
    if (!option) {
      if (prefixes.some((p) => o.key.startsWith(p))) continue;
      const guess = didYouMean(o.key, declared.keys());
      throw optionError(
        `Unsupported option '${o.key}' for connector '${descriptor.identifier}'`,
        o.keyPos,
        guess
          ? `did you mean '${guess}'?`
          : `supported options: ${['connector', ...declared.keys()].sort().join(', ')}${prefixes.length > 0 ? `, and keys under ${prefixes.map((p) => `'${p}'`).join(', ')}` : ''}`,
      );
    }
    try {
      parseOptionValue(option, o.value, o.key);
    } catch (err) {
      if (!isWeirError(err)) throw err;
      const secret = option.sensitive || isSensitiveKey(o.key);
      throw new WeirError('SQL_VALIDATION', secret ? `Invalid value '******' for '${o.key}'` : err.message, {
        position: o.valuePos,
        hint: err.hint,
      });
    }
  }

  for (const required of descriptor.requiredOptions) {
    const present = [required.key, ...required.fallbackKeys].some((k) =>
      ddl.options.some((o) => o.key === k),
    );
    if (!present) {
      throw optionError(
        `Missing required option '${required.key}' for connector '${descriptor.identifier}'`,
        named.valuePos,
        required.description,
      );
    }
  }
  return descriptor;
}

/**
 * The connector that plans a table written in Flink's legacy descriptor form (`'connector.type'`
 * without `'connector'`), when one declares that type.
 */
export function legacyConnector(
  options: Readonly<Record<string, string>>,
  connectors: ReadonlyMap<string, ConnectorDescriptor>,
): ConnectorDescriptor | undefined {
  const type = options['connector.type'];
  if (options.connector !== undefined || type === undefined) return undefined;
  return [...connectors.values()].find((d) => d.legacyType === type);
}
