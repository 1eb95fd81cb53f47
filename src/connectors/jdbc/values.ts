import { WeirError } from '../../common/errors.js';
import { formatType, type LogicalType } from '../../common/types.js';

/**
 * Conversions between weir's runtime values (src/common/types.ts) and PostgreSQL. Both directions
 * are decided by the column's declared Flink type, as Flink's JdbcRowConverter does, so a DECIMAL
 * read from a numeric column or a float8 column is exact at the declared scale either way.
 * Values go to PostgreSQL as text parameters (or a Buffer for bytes) and come back as the server's
 * text output; sessions are set to UTC, ISO dates, hex bytea and ISO 8601 intervals so the text
 * has one shape.
 */

export type ToParam = (value: unknown) => unknown;
export type FromText = (text: string) => unknown;

const MS_PER_DAY = 86_400_000;

const unsupported = (type: LogicalType, column: string) =>
  new WeirError(
    'JDBC_UNSUPPORTED_TYPE',
    `Column '${column}' has type ${formatType(type)}, which the jdbc connector cannot map to PostgreSQL`,
    {
      hint: 'Use a scalar type or an ARRAY of one; cast MAP and ROW values to STRING (e.g. JSON) first.',
    },
  );

/** The unscaled value of a DECIMAL as PostgreSQL's numeric text, e.g. (-12345n, 3) → '-12.345'. */
export function decimalToText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return negative ? `-${digits}` : digits;
}

/**
 * Decimal text (numeric output, or a float's '1.5e+20') as the unscaled value at `scale`, rounding
 * HALF_UP; null when it does not fit `precision` digits, as Flink's DecimalData gives.
 */
export function decimalFromText(text: string, precision: number, scale: number): bigint | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) {
    throw new WeirError(
      'JDBC_INVALID_DECIMAL',
      `The database returned '${text}' for a DECIMAL(${precision}, ${scale}) column`,
      {
        kind: 'external',
        hint: 'NaN and infinite numerics have no DECIMAL value; filter them out or declare the column DOUBLE.',
      },
    );
  }
  const frac = m[3] ?? '';
  const shift = Number(m[4] ?? 0) - frac.length + scale;
  let magnitude = BigInt(`${m[2]}${frac}` || '0');
  if (shift >= 0) magnitude *= 10n ** BigInt(shift);
  else {
    const divisor = 10n ** BigInt(-shift);
    const quotient = magnitude / divisor;
    magnitude = (magnitude % divisor) * 2n >= divisor ? quotient + 1n : quotient;
  }
  if (magnitude >= 10n ** BigInt(precision)) return null;
  return m[1] === '-' ? -magnitude : magnitude;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function isoParts(epochMs: number): string {
  const d = new Date(epochMs);
  if (Number.isNaN(d.getTime())) throw new RangeError(`epoch milliseconds ${epochMs} are out of range`);
  const year = d.getUTCFullYear();
  // PostgreSQL writes years before 1 as 'YYYY-MM-DD BC' (year 0 is 1 BC).
  const y = year > 0 ? pad(year, 4) : pad(1 - year, 4);
  const date = `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  return `${date} ${time}${year > 0 ? '' : ' BC'}`;
}

export function timestampToText(epochMs: number): string {
  return isoParts(epochMs);
}

export function dateToText(days: number): string {
  return isoParts(days * MS_PER_DAY).replace(/ \d\d:\d\d:\d\d\.\d{3}/, '');
}

export function timeToText(msOfDay: number): string {
  const ms = ((msOfDay % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

/** Epoch milliseconds of PostgreSQL's ISO text for a date, timestamp or timestamptz. */
export function timestampFromText(text: string): number {
  const m =
    /^(\d{4,})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?)?(?:([+-])(\d\d)(?::?(\d\d))?(?::(\d\d))?)?( BC)?$/.exec(
      text.trim(),
    );
  if (!m) {
    throw new WeirError(
      'JDBC_INVALID_TIMESTAMP',
      `The database returned '${text}' for a date or timestamp column`,
      {
        kind: 'external',
        hint: "'infinity' and '-infinity' have no TIMESTAMP value in Flink; filter them out in a view.",
      },
    );
  }
  const year = m[12] ? 1 - Number(m[1]) : Number(m[1]);
  // Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(year, Number(m[2]) - 1, Number(m[3]));
  let ms = d.getTime();
  if (m[4] !== undefined) {
    ms += Number(m[4]) * 3_600_000 + Number(m[5]) * 60_000 + Number(m[6]) * 1000;
    ms += Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  }
  if (m[8]) {
    const offset = Number(m[9]) * 3_600_000 + Number(m[10] ?? 0) * 60_000 + Number(m[11] ?? 0) * 1000;
    ms -= m[8] === '-' ? -offset : offset;
  }
  return ms;
}

function timeFromText(text: string): number {
  const m = /^(\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(text);
  if (!m)
    throw new WeirError('JDBC_INVALID_TIME', `The database returned '${text}' for a TIME column`, {
      kind: 'external',
    });
  return (
    Number(m[1]) * 3_600_000 +
    Number(m[2]) * 60_000 +
    Number(m[3]) * 1000 +
    Number((m[4] ?? '').padEnd(3, '0').slice(0, 3))
  );
}

/** ISO 8601 interval text ('P1Y2M3DT4H5M6.5S', IntervalStyle iso_8601) as months and milliseconds. */
export function intervalFromText(text: string): { months: number; ms: number } {
  const m =
    /^(-)?P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/.exec(
      text.trim(),
    );
  if (!m)
    throw new WeirError('JDBC_INVALID_INTERVAL', `The database returned '${text}' for an INTERVAL column`, {
      kind: 'external',
    });
  const n = (s: string | undefined) => (s === undefined ? 0 : Number(s));
  const sign = m[1] ? -1 : 1;
  const months = sign * (n(m[2]) * 12 + n(m[3]));
  const ms =
    sign * Math.round(((n(m[4]) * 7 + n(m[5])) * 86_400 + n(m[6]) * 3600 + n(m[7]) * 60 + n(m[8])) * 1000);
  return { months, ms };
}

export function bytesFromText(text: string): Uint8Array {
  if (!text.startsWith('\\x'))
    throw new WeirError('JDBC_INVALID_BYTES', 'The database returned bytea in escape format', {
      kind: 'external',
      hint: "Set bytea_output = 'hex' for the role.",
    });
  return new Uint8Array(Buffer.from(text.slice(2), 'hex'));
}

/** PostgreSQL's array text ('{1,2,NULL,"a b",{3,4}}') as nested arrays of element texts. */
export function parseArrayText(text: string): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0; // skip explicit bounds '[0:1]='
  const parseLevel = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    if (text[i] === '}') {
      i++;
      return out;
    }
    for (;;) {
      if (text[i] === '{') out.push(parseLevel());
      else if (text[i] === '"') {
        let s = '';
        i++;
        while (text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i++];
        }
        i++;
        out.push(s);
      } else {
        const start = i;
        while (text[i] !== ',' && text[i] !== '}') i++;
        const raw = text.slice(start, i).trim();
        out.push(raw === 'NULL' ? null : raw);
      }
      if (text[i++] === '}') return out;
    }
  };
  return parseLevel();
}

/** How a value of `type` is sent as a query parameter. */
export function toParam(type: LogicalType, column: string): ToParam {
  const nn =
    (f: ToParam): ToParam =>
    (v) =>
      v === null || v === undefined ? null : f(v);
  switch (type.root) {
    case 'BOOLEAN':
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'FLOAT':
    case 'DOUBLE':
    case 'CHAR':
    case 'VARCHAR':
    case 'NULL':
      return nn((v) => v);
    case 'DECIMAL': {
      const scale = type.scale ?? 0;
      return nn((v) => decimalToText(v as bigint, scale));
    }
    case 'BINARY':
    case 'VARBINARY':
      return nn((v) => {
        const u = v as Uint8Array;
        return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
      });
    case 'DATE':
      return nn((v) => dateToText(v as number));
    case 'TIME':
      return nn((v) => timeToText(v as number));
    case 'TIMESTAMP':
      return nn((v) => timestampToText(v as number));
    case 'TIMESTAMP_LTZ':
      return nn((v) => new Date(v as number).toISOString());
    case 'INTERVAL_DAY_TIME':
      return nn((v) => `${v} milliseconds`);
    case 'INTERVAL_YEAR_MONTH':
      return nn((v) => `${v} months`);
    case 'ARRAY':
    case 'MULTISET': {
      const element = toParam(type.element!, column);
      return nn((v) => (v as unknown[]).map(element));
    }
    default:
      throw unsupported(type, column);
  }
}

/** How the server's text for a column of `type` becomes a runtime value. */
export function fromText(type: LogicalType, column: string): FromText {
  switch (type.root) {
    case 'BOOLEAN':
      return (t) => t === 't' || t === 'true';
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
    case 'DOUBLE':
      return Number;
    case 'FLOAT':
      return (t) => Math.fround(Number(t));
    case 'DECIMAL': {
      const precision = type.precision ?? 10;
      const scale = type.scale ?? 0;
      return (t) => decimalFromText(t, precision, scale);
    }
    case 'CHAR':
    case 'VARCHAR':
      return (t) => t;
    case 'BINARY':
    case 'VARBINARY':
      return bytesFromText;
    case 'DATE':
      return (t) => Math.floor(timestampFromText(t) / MS_PER_DAY);
    case 'TIME':
      return timeFromText;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return timestampFromText;
    case 'INTERVAL_DAY_TIME':
      return (t) => intervalFromText(t).ms;
    case 'INTERVAL_YEAR_MONTH':
      return (t) => intervalFromText(t).months;
    case 'ARRAY':
    case 'MULTISET': {
      const element = fromText(type.element!, column);
      const convert = (items: unknown[]): unknown[] =>
        items.map((x) => (x === null ? null : Array.isArray(x) ? convert(x) : element(x as string)));
      return (t) => convert(parseArrayText(t));
    }
    default:
      throw unsupported(type, column);
  }
}
