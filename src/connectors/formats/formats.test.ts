import { describe, expect, it } from 'vitest';
import { isWeirError } from '../../common/errors.js';
import { type RowType, Types } from '../../common/types.js';
import { createFormat } from './index.js';
import { parseDecimalText, parseTimestampText, timestampText } from './text-values.js';

const schema: RowType = {
  fields: [
    { name: 'id', type: Types.BIGINT() },
    { name: 'ok', type: Types.BOOLEAN() },
    { name: 'price', type: Types.DECIMAL(10, 2) },
    { name: 'big', type: Types.DECIMAL(38, 18) },
    { name: 'ratio', type: Types.DOUBLE() },
    { name: 'name', type: Types.STRING() },
    { name: 'bytes', type: Types.BYTES() },
    { name: 'day', type: Types.DATE() },
    { name: 'at', type: Types.TIME(3) },
    { name: 'ts', type: Types.TIMESTAMP(3) },
    { name: 'ltz', type: Types.TIMESTAMP_LTZ(3) },
    { name: 'tags', type: Types.ARRAY(Types.STRING()) },
    { name: 'attrs', type: Types.MAP(Types.STRING(), Types.INT()) },
    {
      name: 'nested',
      type: Types.ROW([
        { name: 'a', type: Types.INT() },
        { name: 'b', type: Types.ARRAY(Types.ROW([{ name: 'c', type: Types.STRING() }])) },
      ]),
    },
  ],
};

const ts = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const row = [
  42,
  true,
  1250n,
  123456789012345678901234567890123456n,
  0.1,
  'Ünïcode "quoted" \\ \n',
  new Uint8Array([1, 2, 255]),
  19724,
  3_723_004,
  ts,
  ts,
  ['x', null, 'y'],
  new Map<string, number | null>([
    ['k', 1],
    ['n', null],
  ]),
  [7, [['deep'], [null]]],
];

const json = (options: Record<string, string> = {}) =>
  createFormat('json', 'format', { format: 'json', ...options }, ['json.'], 'test_table');

describe('json format', () => {
  it('writes Flink JSON: SQL timestamps, decimals as exact numbers, base64 bytes, nested values', () => {
    const text = json().serializer(schema).serialize(row)!.toString();
    expect(text).toBe(
      '{"id":42,"ok":true,"price":12.50,"big":123456789012345678.901234567890123456,"ratio":0.1,' +
        '"name":"Ünïcode \\"quoted\\" \\\\ \\n","bytes":"AQL/","day":"2024-01-02","at":"01:02:03.004",' +
        '"ts":"2024-01-02 03:04:05.678","ltz":"2024-01-02 03:04:05.678Z","tags":["x",null,"y"],' +
        '"attrs":{"k":1,"n":null},"nested":{"a":7,"b":[{"c":"deep"},{"c":null}]}}',
    );
  });

  it('reads back what it wrote', () => {
    const format = json();
    const bytes = format.serializer(schema).serialize(row)!;
    const back = format.deserializer(schema).deserialize(bytes)!;
    // JSON.parse reads the 36-digit decimal as a double: exact to ~15 digits only (see docs/kafka.md).
    expect(back[3]).toBe(parseDecimalText(String(Number('123456789012345678.901234567890123456')), 38, 18));
    expect([...back.slice(0, 3), ...back.slice(4)]).toEqual([...row.slice(0, 3), ...row.slice(4)]);
  });

  it('reads ISO-8601 timestamps when asked, and numbers and booleans given as strings', () => {
    const type: RowType = {
      fields: [
        { name: 'ts', type: Types.TIMESTAMP(3) },
        { name: 'n', type: Types.INT() },
        { name: 'b', type: Types.BOOLEAN() },
        { name: 'd', type: Types.DECIMAL(5, 1) },
      ],
    };
    const d = json({ 'json.timestamp-format.standard': 'ISO-8601' }).deserializer(type);
    expect(
      d.deserialize(Buffer.from('{"ts":"2024-01-02T03:04:05.678","n":"17","b":"TRUE","d":"2.25"}')),
    ).toEqual([ts, 17, true, 23n]);
    expect(() => d.deserialize(Buffer.from('{"ts":"2024-01-02 03:04:05.678"}'))).toThrow(/TIMESTAMP/);
  });

  it('missing fields are null, or fail with fail-on-missing-field', () => {
    const type: RowType = {
      fields: [
        { name: 'a', type: Types.INT() },
        { name: 'b', type: Types.STRING() },
      ],
    };
    expect(json().deserializer(type).deserialize(Buffer.from('{"a":1}'))).toEqual([1, null]);
    expect(() =>
      json({ 'json.fail-on-missing-field': 'true' }).deserializer(type).deserialize(Buffer.from('{"a":1}')),
    ).toThrow(/field 'b' is missing/);
  });

  it('ignore-parse-errors skips broken messages and nulls unconvertible fields', () => {
    const type: RowType = {
      fields: [
        { name: 'a', type: Types.INT() },
        { name: 'b', type: Types.STRING() },
      ],
    };
    const strict = json().deserializer(type);
    const lenient = json({ 'json.ignore-parse-errors': 'true' }).deserializer(type);
    let error: unknown;
    try {
      strict.deserialize(Buffer.from('{"a":'));
    } catch (err) {
      error = err;
    }
    expect(isWeirError(error) && error.kind === 'external' && error.hint).toMatch(/ignore-parse-errors/);
    expect(lenient.deserialize(Buffer.from('{"a":'))).toBeNull();
    expect(lenient.deserialize(Buffer.from('{"a":"x","b":{"n":[1]}}'))).toEqual([null, '{"n":[1]}']);
  });

  it('rejects unknown format options with a suggestion', () => {
    expect(() => json({ 'json.ignore-parse-error': 'true' })).toThrow(
      /Unsupported option 'json.ignore-parse-error'/,
    );
  });

  it('a null message (tombstone) is no row', () => {
    expect(json().deserializer(schema).deserialize(null)).toBeNull();
  });
});

describe('text values', () => {
  it('formats fractions as Flink does and parses them back', () => {
    for (const [ms, text] of [
      [Date.UTC(2024, 0, 2, 3, 4, 5, 0), '2024-01-02 03:04:05'],
      [Date.UTC(2024, 0, 2, 3, 4, 5, 500), '2024-01-02 03:04:05.5'],
      [Date.UTC(2024, 0, 2, 3, 4, 5, 50), '2024-01-02 03:04:05.05'],
      [Date.UTC(1969, 11, 31, 23, 59, 59, 999), '1969-12-31 23:59:59.999'],
    ] as const) {
      expect(timestampText(ms, 'SQL', false)).toBe(text);
      expect(parseTimestampText(text, 'SQL', false)).toBe(ms);
    }
    expect(parseTimestampText('2024-02-30 00:00:00', 'SQL', false)).toBeUndefined();
  });

  it('parses decimals exactly, rounding half up, null on overflow', () => {
    expect(parseDecimalText('12.345', 10, 2)).toBe(1235n);
    expect(parseDecimalText('-12.344', 10, 2)).toBe(-1234n);
    expect(parseDecimalText('1.5e3', 10, 2)).toBe(150000n);
    expect(parseDecimalText('99999999999', 10, 2)).toBeUndefined();
    expect(parseDecimalText('0.005', 10, 2)).toBe(1n);
  });
});

describe('csv format', () => {
  const type: RowType = {
    fields: [
      { name: 'id', type: Types.INT() },
      { name: 'name', type: Types.STRING() },
      { name: 'price', type: Types.DECIMAL(10, 2) },
      { name: 'ts', type: Types.TIMESTAMP(3) },
    ],
  };
  it('round-trips quoted fields and nulls', () => {
    const f = createFormat('csv', 'format', {}, ['csv.'], 't');
    const bytes = f.serializer(type).serialize([1, 'a,"b"', 1999n, ts])!;
    expect(bytes.toString()).toBe('1,"a,""b""",19.99,2024-01-02 03:04:05.678');
    expect(f.deserializer(type).deserialize(bytes)).toEqual([1, 'a,"b"', 1999n, ts]);
    expect(f.deserializer(type).deserialize(Buffer.from(',,,'))).toEqual([null, '', null, null]);
  });
  it('takes another delimiter and a null literal', () => {
    const f = createFormat(
      'csv',
      'format',
      { 'csv.field-delimiter': '|', 'csv.null-literal': 'N/A' },
      ['csv.'],
      't',
    );
    expect(f.serializer(type).serialize([null, 'x', null, null])!.toString()).toBe('N/A|x|N/A|N/A');
    expect(f.deserializer(type).deserialize(Buffer.from('3|N/A|1|'))).toEqual([3, null, 100n, null]);
  });
});

describe('raw format', () => {
  it('maps the message to one STRING or BYTES column, null to null', () => {
    const f = createFormat('raw', 'format', {}, ['raw.'], 't');
    const s: RowType = { fields: [{ name: 'line', type: Types.STRING() }] };
    expect(f.deserializer(s).deserialize(Buffer.from('héllo'))).toEqual(['héllo']);
    expect(f.serializer(s).serialize(['héllo'])!.toString()).toBe('héllo');
    expect(f.serializer(s).serialize([null])).toBeNull();
    const b: RowType = { fields: [{ name: 'data', type: Types.BYTES() }] };
    expect(f.deserializer(b).deserialize(Buffer.from([1, 2]))).toEqual([new Uint8Array([1, 2])]);
  });
  it('refuses a schema with more than one column', () => {
    const f = createFormat('raw', 'format', {}, ['raw.'], 't');
    expect(() => f.deserializer(schema)).toThrow(/exactly one STRING or BYTES column/);
  });
});
