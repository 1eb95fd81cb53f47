import { describe, expect, it } from 'vitest';
import { quoteTableName } from './connection.js';
import { partitionRanges } from './source.js';
import { parseJdbcUrl } from './url.js';
import {
  dateToText,
  decimalFromText,
  decimalToText,
  intervalFromText,
  parseArrayText,
  timestampFromText,
  timestampToText,
  timeToText,
} from './values.js';

describe('DECIMAL text', () => {
  it.each([
    ['123.45', 10, 2, 12345n],
    ['-0.5', 10, 0, -1n],
    ['0.5', 10, 0, 1n],
    ['0.49', 10, 0, 0n],
    ['1.005', 10, 2, 101n],
    ['-1.005', 10, 2, -101n],
    ['1e3', 10, 2, 100000n],
    ['1.5E-3', 10, 4, 15n],
    ['12', 38, 10, 120000000000n],
    ['99999999999999999999999999999', 38, 10, null],
    ['1000', 3, 0, null],
  ])('%s as DECIMAL(%i, %i) is %s (HALF_UP, NULL on overflow)', (text, p, s, expected) => {
    expect(decimalFromText(text, p, s)).toBe(expected);
  });

  it('rejects NaN with what to do', () => {
    expect(() => decimalFromText('NaN', 10, 2)).toThrow(/NaN/);
  });

  it.each([
    [12345n, 2, '123.45'],
    [-5n, 3, '-0.005'],
    [7n, 0, '7'],
    [10n ** 38n - 1n, 10, '9999999999999999999999999999.9999999999'],
  ])('%s at scale %i is %s', (unscaled, scale, text) => {
    expect(decimalToText(unscaled, scale)).toBe(text);
    expect(decimalFromText(text, 38, scale)).toBe(unscaled);
  });
});

describe('dates and times as text', () => {
  it('round-trips timestamps, dates before 1970 and BC', () => {
    for (const ms of [
      0,
      -1,
      Date.UTC(2024, 1, 29, 13, 14, 15, 123),
      Date.UTC(1, 0, 1),
      Date.UTC(-43, 2, 15, 12),
    ]) {
      expect(timestampFromText(timestampToText(ms))).toBe(ms);
    }
    expect(timestampToText(Date.UTC(-43, 2, 15))).toBe('0044-03-15 00:00:00.000 BC');
    expect(dateToText(-1)).toBe('1969-12-31');
  });

  it('reads offsets of timestamptz text and microseconds', () => {
    expect(timestampFromText('2024-01-01 00:00:00.123456+00')).toBe(Date.UTC(2024, 0, 1, 0, 0, 0, 123));
    expect(timestampFromText('2024-01-01 02:00:00+02')).toBe(Date.UTC(2024, 0, 1));
    expect(timestampFromText('2024-01-01 00:00:00-05:30')).toBe(Date.UTC(2024, 0, 1, 5, 30));
    expect(() => timestampFromText('infinity')).toThrow(/infinity/);
  });

  it('writes times of day', () => {
    expect(timeToText(13 * 3_600_000 + 5 * 60_000 + 7_008)).toBe('13:05:07.008');
  });

  it('reads ISO 8601 intervals', () => {
    expect(intervalFromText('P1Y2M')).toEqual({ months: 14, ms: 0 });
    expect(intervalFromText('P1DT2H3M4.5S')).toEqual({ months: 0, ms: 93_784_500 });
    expect(intervalFromText('PT-0.001S')).toEqual({ months: 0, ms: -1 });
  });
});

describe('array text', () => {
  it('parses quoting, NULL, nesting and explicit bounds', () => {
    expect(parseArrayText('{1,NULL,"NULL","a \\"b\\"","x,y"}')).toEqual(['1', null, 'NULL', 'a "b"', 'x,y']);
    expect(parseArrayText('{{1,2},{3,4}}')).toEqual([
      ['1', '2'],
      ['3', '4'],
    ]);
    expect(parseArrayText('[0:1]={5,6}')).toEqual(['5', '6']);
    expect(parseArrayText('{}')).toEqual([]);
  });
});

describe('urls', () => {
  it('reads jdbc:postgresql urls with parameters, and options win over them', () => {
    const t = parseJdbcUrl(
      'jdbc:postgresql://db.example:6543/shop?user=u&password=p&currentSchema=sales',
      'me',
    );
    expect(t.config).toMatchObject({
      host: 'db.example',
      port: 6543,
      database: 'shop',
      user: 'me',
      password: 'p',
    });
    expect(t.config.options).toContain('search_path=sales');
    expect(t.display).toBe('postgresql://db.example:6543/shop');
  });

  it('reads postgres:// urls with credentials, and never shows them', () => {
    const t = parseJdbcUrl('postgres://alice:s%40cret@127.0.0.1/db', undefined, undefined);
    expect(t.config).toMatchObject({ host: '127.0.0.1', port: 5432, user: 'alice', password: 's@cret' });
    expect(t.display).not.toContain('cret');
  });

  it('rejects other databases without echoing the url', () => {
    expect(() => parseJdbcUrl('jdbc:mysql://h/db?password=topsecret')).toThrow(
      /'jdbc:mysql' is not supported/,
    );
    try {
      parseJdbcUrl('jdbc:mysql://h/db?password=topsecret');
    } catch (err) {
      expect(String((err as Error).message)).not.toContain('topsecret');
    }
  });
});

describe('table names', () => {
  it('quotes each part of a qualified name', () => {
    expect(quoteTableName('orders')).toBe('"orders"');
    expect(quoteTableName('sales.Orders')).toBe('"sales"."Orders"');
    expect(quoteTableName('"a.b"."x""y"')).toBe('"a.b"."x""y"');
    expect(() => quoteTableName('')).toThrow(/not a table name/);
  });
});

describe('partition ranges', () => {
  it('splits [lower, upper] into near-equal ranges, never more than there are values', () => {
    expect(partitionRanges(1, 10, 3)).toEqual([
      [1, 4],
      [5, 7],
      [8, 10],
    ]);
    expect(partitionRanges(0, 1, 4)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });
});
