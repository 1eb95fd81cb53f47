import { booleanOption, type Configuration, stringOption } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { formatDecimal } from '../../common/format.js';
import { formatType, type LogicalType, type RowType } from '../../common/types.js';
import type { FormatContext, FormatFactory } from './format.js';
import {
  dateText,
  inIntegerRange,
  parseDateText,
  parseDecimalText,
  parseTimestampText,
  parseTimeText,
  timestampText,
  timeText,
} from './text-values.js';

export const CSV_FIELD_DELIMITER = stringOption({
  key: 'field-delimiter',
  defaultValue: ',',
  description: 'The single character between fields.',
});
export const CSV_QUOTE_CHARACTER = stringOption({
  key: 'quote-character',
  defaultValue: '"',
  description: 'The character that encloses fields containing the delimiter, the quote or a line break.',
});
export const CSV_DISABLE_QUOTE_CHARACTER = booleanOption({
  key: 'disable-quote-character',
  defaultValue: false,
  description: 'Never quote fields.',
});
export const CSV_NULL_LITERAL = stringOption({
  key: 'null-literal',
  description: 'Text that stands for null (by default an empty field is null, except for strings).',
});
export const CSV_IGNORE_PARSE_ERRORS = booleanOption({
  key: 'ignore-parse-errors',
  defaultValue: false,
  description: 'Set fields that cannot be parsed to null instead of failing.',
});
export const CSV_ARRAY_ELEMENT_DELIMITER = stringOption({
  key: 'array-element-delimiter',
  defaultValue: ';',
  description: 'The text between the elements of an ARRAY field.',
});

type Parse = (text: string) => unknown;
type Print = (value: unknown) => string;

function oneChar(options: Configuration, key: string, ctx: FormatContext): string {
  const v = options.getRaw(key) ?? (key === 'field-delimiter' ? ',' : '"');
  const c = v === '\\t' ? '\t' : v;
  if (c.length !== 1) {
    throw new WeirError('CSV_OPTION', `'${ctx.prefix}${key}' must be a single character, not '${v}'`);
  }
  return c;
}

function parser(type: LogicalType, arrayDelimiter: string): Parse {
  const fail = (t: string): never => {
    throw new Error(`cannot read '${t}' as ${formatType(type)}`);
  };
  switch (type.root) {
    case 'BOOLEAN':
      return (t) => t.trim().toLowerCase() === 'true';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return (t) =>
        /^\s*[+-]?\d+\s*$/.test(t) && inIntegerRange(type.root, Number(t)) ? Number(t) : fail(t);
    case 'INTERVAL_YEAR_MONTH':
    case 'INTERVAL_DAY_TIME':
      return (t) => (/^\s*[+-]?\d+\s*$/.test(t) ? Number(t) : fail(t));
    case 'FLOAT':
    case 'DOUBLE':
      return (t) => {
        const n = Number(t);
        return Number.isNaN(n) && t.trim() !== 'NaN' ? fail(t) : n;
      };
    case 'DECIMAL':
      return (t) => parseDecimalText(t, type.precision ?? 10, type.scale ?? 0) ?? fail(t);
    case 'CHAR':
    case 'VARCHAR':
      return (t) => t;
    case 'BINARY':
    case 'VARBINARY':
      return (t) => new Uint8Array(Buffer.from(t, 'base64'));
    case 'DATE':
      return (t) => parseDateText(t.trim()) ?? fail(t);
    case 'TIME':
      return (t) => parseTimeText(t.trim()) ?? fail(t);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const zoned = type.root === 'TIMESTAMP_LTZ';
      return (t) => parseTimestampText(t.trim(), 'SQL', zoned) ?? fail(t);
    }
    case 'ARRAY': {
      const element = parser(type.element!, arrayDelimiter);
      return (t) => (t === '' ? [] : t.split(arrayDelimiter).map(element));
    }
    case 'NULL':
      return () => null;
    default:
      throw new WeirError('CSV_UNSUPPORTED_TYPE', `The 'csv' format cannot hold ${formatType(type)}`);
  }
}

function printer(type: LogicalType, arrayDelimiter: string): Print {
  switch (type.root) {
    case 'DECIMAL':
      return (v) => formatDecimal(v as bigint, type.scale ?? 0);
    case 'BINARY':
    case 'VARBINARY':
      return (v) => Buffer.from(v as Uint8Array).toString('base64');
    case 'DATE':
      return (v) => dateText(v as number);
    case 'TIME':
      return (v) => timeText(v as number);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return (v) => timestampText(v as number, 'SQL', type.root === 'TIMESTAMP_LTZ');
    case 'ARRAY': {
      const element = printer(type.element!, arrayDelimiter);
      return (v) => (v as unknown[]).map((e) => (e === null ? '' : element(e))).join(arrayDelimiter);
    }
    case 'MAP':
    case 'MULTISET':
    case 'ROW':
      throw new WeirError('CSV_UNSUPPORTED_TYPE', `The 'csv' format cannot hold ${formatType(type)}`);
    default:
      return (v) => String(v);
  }
}

/** Splits one CSV record; quotes are doubled inside quoted fields. */
function splitRecord(line: string, delimiter: string, quote: string | undefined): string[] {
  const fields: string[] = [];
  let i = 0;
  const n = line.length;
  for (;;) {
    if (quote !== undefined && line[i] === quote) {
      let value = '';
      i++;
      for (;;) {
        const q = line.indexOf(quote, i);
        if (q < 0) throw new Error('unterminated quoted field');
        value += line.slice(i, q);
        if (line[q + 1] === quote) {
          value += quote;
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i >= n) break;
      if (line[i] !== delimiter) throw new Error(`expected '${delimiter}' after a quoted field`);
      i++;
    } else {
      const d = line.indexOf(delimiter, i);
      if (d < 0) {
        fields.push(line.slice(i));
        break;
      }
      fields.push(line.slice(i, d));
      i = d + 1;
    }
  }
  return fields;
}

/** Flink's 'csv' format, one record per message without a header line. */
export const csvFormat: FormatFactory = {
  identifier: 'csv',
  options: [
    CSV_FIELD_DELIMITER,
    CSV_QUOTE_CHARACTER,
    CSV_DISABLE_QUOTE_CHARACTER,
    CSV_NULL_LITERAL,
    CSV_IGNORE_PARSE_ERRORS,
    CSV_ARRAY_ELEMENT_DELIMITER,
  ],
  createDeserializer(type: RowType, options: Configuration, ctx: FormatContext) {
    const delimiter = oneChar(options, CSV_FIELD_DELIMITER.key, ctx);
    const quote = options.require(CSV_DISABLE_QUOTE_CHARACTER)
      ? undefined
      : oneChar(options, CSV_QUOTE_CHARACTER.key, ctx);
    const nullLiteral = options.get(CSV_NULL_LITERAL);
    const ignoreErrors = options.require(CSV_IGNORE_PARSE_ERRORS);
    const arrayDelimiter = options.require(CSV_ARRAY_ELEMENT_DELIMITER);
    const parsers = type.fields.map((f) => parser(f.type, arrayDelimiter));
    const isString = type.fields.map((f) => f.type.root === 'VARCHAR' || f.type.root === 'CHAR');
    return {
      deserialize(message) {
        if (message === null) return null;
        const text = Buffer.from(message.buffer, message.byteOffset, message.byteLength)
          .toString()
          .replace(/\r?\n$/, '');
        try {
          const cells = splitRecord(text, delimiter, quote);
          return parsers.map((parse, i) => {
            const cell = cells[i];
            if (cell === undefined || cell === nullLiteral || (cell === '' && !isString[i])) return null;
            if (!ignoreErrors) return parse(cell);
            try {
              return parse(cell);
            } catch {
              return null;
            }
          });
        } catch (err) {
          if (ignoreErrors) return null;
          throw new WeirError(
            'CSV_PARSE_FAILED',
            `Failed to deserialize CSV '${text.slice(0, 120)}' for table ${ctx.table}: ${(err as Error).message}`,
            {
              kind: 'external',
              hint: `Set '${ctx.prefix}ignore-parse-errors' = 'true' to skip such fields.`,
            },
          );
        }
      },
    };
  },
  createSerializer(type: RowType, options: Configuration, ctx: FormatContext) {
    const delimiter = oneChar(options, CSV_FIELD_DELIMITER.key, ctx);
    const quote = options.require(CSV_DISABLE_QUOTE_CHARACTER)
      ? undefined
      : oneChar(options, CSV_QUOTE_CHARACTER.key, ctx);
    const nullText = options.get(CSV_NULL_LITERAL) ?? '';
    const printers = type.fields.map((f) => printer(f.type, options.require(CSV_ARRAY_ELEMENT_DELIMITER)));
    const needsQuote = (s: string) =>
      quote !== undefined &&
      (s.includes(delimiter) || s.includes(quote) || s.includes('\n') || s.includes('\r'));
    return {
      serialize(row) {
        let out = '';
        for (let i = 0; i < printers.length; i++) {
          if (i > 0) out += delimiter;
          const v = row[i];
          if (v === null || v === undefined) {
            out += nullText;
            continue;
          }
          const s = printers[i](v);
          out += needsQuote(s) ? `${quote}${s.split(quote!).join(quote! + quote!)}${quote}` : s;
        }
        return Buffer.from(out);
      },
    };
  },
};
