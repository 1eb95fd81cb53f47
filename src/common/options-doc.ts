import { formatDuration, type OptionRegistry, type OptionType } from './config.js';

function typeName(type: OptionType): string {
  switch (type.kind) {
    case 'enum':
      return `Enum: ${type.values.join(', ')}`;
    case 'integer':
      return 'Integer';
    case 'double':
      return 'Double';
    case 'boolean':
      return 'Boolean';
    case 'duration':
      return 'Duration';
    case 'memory':
      return 'MemorySize';
    case 'string':
      return 'String';
    default: {
      const never: never = type;
      return never;
    }
  }
}

function defaultText(type: OptionType, value: unknown): string {
  if (value === undefined) return '(none)';
  if (type.kind === 'duration') return formatDuration(value as number);
  if (type.kind === 'memory') {
    const n = value as number;
    return n % 1024 ** 2 === 0 ? `${n / 1024 ** 2} mb` : n % 1024 === 0 ? `${n / 1024} kb` : `${n} bytes`;
  }
  return String(value);
}

/** The options table of docs/configuration.md, generated from the registry so it cannot drift. */
export function renderOptionsTable(registry: OptionRegistry): string {
  const rows = registry
    .all()
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((o) => {
      const keys = [`\`${o.key}\``, ...o.fallbackKeys.map((k) => `<br>also \`${k}\``)].join('');
      const description = o.description.replace(/\|/g, '\\|');
      return `| ${keys} | ${defaultText(o.type, o.defaultValue)} | ${typeName(o.type)} | ${description} |`;
    });
  return ['| Key | Default | Type | Description |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
