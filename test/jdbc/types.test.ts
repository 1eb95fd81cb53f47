import { describe, expect, it } from 'vitest';
import type { LogicalType } from '../../src/common/types.js';
import { Types } from '../../src/common/types.js';
import { JdbcSinkWriter, JdbcSourceReader } from '../../src/connectors/jdbc/index.js';
import { useTestDatabase } from '../infra/context.js';
import { operatorContext, sinkSpec, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);

const COLUMNS: [string, LogicalType, string][] = [
  ['id', Types.INT(false), 'int PRIMARY KEY'],
  ['b', Types.BOOLEAN(), 'boolean'],
  ['ti', Types.TINYINT(), 'smallint'],
  ['si', Types.SMALLINT(), 'smallint'],
  ['i', Types.INT(), 'integer'],
  ['bi', Types.BIGINT(), 'bigint'],
  ['f', Types.FLOAT(), 'real'],
  ['d', Types.DOUBLE(), 'double precision'],
  ['dec', Types.DECIMAL(38, 10), 'numeric(38, 10)'],
  ['small_dec', Types.DECIMAL(5, 2), 'numeric(5, 2)'],
  ['c', Types.CHAR(3), 'char(3)'],
  ['vc', Types.VARCHAR(20), 'varchar(20)'],
  ['s', Types.STRING(), 'text'],
  ['bin', Types.BYTES(), 'bytea'],
  ['dt', Types.DATE(), 'date'],
  ['tm', Types.TIME(3), 'time(3)'],
  ['ts', Types.TIMESTAMP(3), 'timestamp(3)'],
  ['tsltz', Types.TIMESTAMP_LTZ(3), 'timestamptz(3)'],
  ['ivl', { root: 'INTERVAL_DAY_TIME', nullable: true }, 'interval'],
  ['ym', { root: 'INTERVAL_YEAR_MONTH', nullable: true }, 'interval'],
  ['arr', Types.ARRAY(Types.INT()), 'int[]'],
  ['sarr', Types.ARRAY(Types.STRING()), 'text[]'],
];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

const ROWS: unknown[][] = [
  [
    1,
    true,
    7,
    -300,
    2147483647,
    9007199254740991,
    Math.fround(1.1),
    0.1,
    10n ** 38n - 1n,
    -99999n,
    'ab ',
    'héllo wörld',
    'quote \' and \\ backslash and "double"',
    Uint8Array.from([0, 1, 127, 128, 255]),
    day('2024-02-29'),
    13 * 3_600_000 + 14 * 60_000 + 15_123,
    Date.UTC(2024, 1, 29, 13, 14, 15, 123),
    Date.UTC(2024, 1, 29, 23, 59, 59, 999),
    90_061_001,
    14,
    [1, null, 3],
    ['a b', '"q"', null, 'NULL', '{}', 'x,y'],
  ],
  [2, ...COLUMNS.slice(1).map(() => null)],
  [
    3,
    false,
    -128,
    32767,
    -2147483648,
    -9007199254740991,
    Number.NaN,
    Number.NEGATIVE_INFINITY,
    -123456789012345678901234567890n,
    1n,
    'xyz',
    '',
    '😀 emoji',
    new Uint8Array(0),
    day('1900-01-01'),
    0,
    -1,
    Date.UTC(1969, 11, 31, 23, 59, 59, 999),
    -1,
    -25,
    [],
    [],
  ],
];

describe('jdbc type round trips: weir values → PostgreSQL → weir values', () => {
  const res = useResources();

  it('keeps every supported type exact, NULLs included, DECIMAL(38, 10) to the last digit', async () => {
    const admin = await res.client(db().url);
    const table = tableName('typed');
    await admin.query(`CREATE TABLE ${table} (${COLUMNS.map(([n, , sql]) => `${n} ${sql}`).join(', ')})`);
    const fields = COLUMNS.map(([n, t]) => [n, t] as [string, LogicalType]);
    const spec = sinkSpec(db().url, table, fields, { 'sink.buffer-flush.interval': '0' }, ['id']);

    const sink = res.track(new JdbcSinkWriter(spec));
    await sink.open(operatorContext());
    await sink.processBatch({ rows: ROWS });
    await sink.snapshotState(1);

    // What PostgreSQL holds, as it prints it.
    const { rows: text } = await admin.query(
      `SELECT dec::text, small_dec::text, ts::text, dt::text, ivl::text FROM ${table} WHERE id = 1`,
    );
    expect(text[0]).toMatchObject({
      dec: '9999999999999999999999999999.9999999999',
      small_dec: '-999.99',
      ts: '2024-02-29 13:14:15.123',
      dt: '2024-02-29',
      // Milliseconds go in as hours, minutes and seconds (Flink's INTERVAL DAY TO SECOND holds no days apart).
      ivl: '25:01:01.001',
    });

    const reader = new JdbcSourceReader(spec);
    reader.initializeState(undefined);
    await reader.open(operatorContext());
    const read: unknown[][] = [];
    const output = { emit: (b: { rows: unknown[][] }) => void read.push(...b.rows), emitWatermark: () => {} };
    while ((await reader.poll(output)).status !== 'end');
    await reader.close();
    expect(read).toEqual(ROWS);
  });
});
