import { type Configuration, enumOption } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { formatType, type RowType } from '../../common/types.js';
import type { FormatContext, FormatFactory } from './format.js';

export const RAW_CHARSET = enumOption({
  key: 'charset',
  defaultValue: 'UTF-8',
  values: ['UTF-8', 'US-ASCII', 'ISO-8859-1', 'UTF-16LE'] as const,
  description: 'The charset of STRING values.',
});

const ENCODINGS: Record<string, BufferEncoding> = {
  'UTF-8': 'utf8',
  'US-ASCII': 'ascii',
  'ISO-8859-1': 'latin1',
  'UTF-16LE': 'utf16le',
};

function singleColumn(type: RowType, ctx: FormatContext): 'string' | 'bytes' {
  const root = type.fields.length === 1 ? type.fields[0].type.root : undefined;
  if (root === 'VARCHAR' || root === 'CHAR') return 'string';
  if (root === 'VARBINARY' || root === 'BINARY') return 'bytes';
  throw new WeirError(
    'RAW_FORMAT_SCHEMA',
    `The 'raw' format of table ${ctx.table} needs exactly one STRING or BYTES column, found ${
      type.fields.map((f) => `${f.name} ${formatType(f.type)}`).join(', ') || 'none'
    }`,
    { hint: "Declare a single column, or use 'key.fields' to leave the other columns to the other format." },
  );
}

/** Flink's 'raw' format: the message bytes as one STRING or BYTES column; a null message is a null value. */
export const rawFormat: FormatFactory = {
  identifier: 'raw',
  options: [RAW_CHARSET],
  createDeserializer(type: RowType, options: Configuration, ctx: FormatContext) {
    const kind = singleColumn(type, ctx);
    const encoding = ENCODINGS[options.require(RAW_CHARSET)];
    return {
      deserialize: (message) => {
        if (message === null) return [null];
        if (kind === 'bytes') return [new Uint8Array(message)];
        return [Buffer.from(message.buffer, message.byteOffset, message.byteLength).toString(encoding)];
      },
    };
  },
  createSerializer(type: RowType, options: Configuration, ctx: FormatContext) {
    const kind = singleColumn(type, ctx);
    const encoding = ENCODINGS[options.require(RAW_CHARSET)];
    return {
      serialize: (row) => {
        const v = row[0];
        if (v === null || v === undefined) return null;
        return kind === 'bytes' ? Buffer.from(v as Uint8Array) : Buffer.from(v as string, encoding);
      },
    };
  },
};
