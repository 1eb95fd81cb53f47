import { describe, expect, it } from 'vitest';
import { Configuration } from '../../src/common/config.js';
import { isWeirError } from '../../src/common/errors.js';
import { RowKind, Types } from '../../src/common/types.js';
import { JdbcSinkWriter } from '../../src/connectors/jdbc/index.js';
import { SINK_DELIVERY_GUARANTEE } from '../../src/connectors/jdbc/options.js';
import { waitFor } from '../helpers/wait.js';
import { useTestDatabase } from '../infra/context.js';
import { batch, operatorContext, sinkSpec, tableName, useResources } from './helpers.js';

const db = useTestDatabase(import.meta.url);
const { INSERT, UPDATE_BEFORE, UPDATE_AFTER, DELETE } = RowKind;

describe('jdbc sink, at-least-once', () => {
  const res = useResources();

  it('appends rows in batches: at max-rows, at the interval and at a checkpoint', async () => {
    const admin = await res.client(db().url);
    const table = tableName('appended');
    await admin.query(`CREATE TABLE ${table} (id bigint, name text)`);
    const sink = res.track(
      new JdbcSinkWriter(
        sinkSpec(
          db().url,
          table,
          [
            ['id', Types.BIGINT()],
            ['name', Types.STRING()],
          ],
          {
            'sink.buffer-flush.max-rows': '3',
            'sink.buffer-flush.interval': '0',
          },
        ),
      ),
    );
    sink.initializeState(undefined);
    await sink.open(operatorContext());
    const count = async () => Number((await admin.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

    await sink.processBatch(
      batch([
        [1, 'a'],
        [2, 'b'],
      ]),
    );
    expect(await count()).toBe(0);
    await sink.processBatch(batch([[3, "c'); DROP TABLE x; --"]]));
    expect(await count()).toBe(3);
    await sink.processBatch(batch([[4, null]]));
    expect(await count()).toBe(3);
    expect(await sink.snapshotState(1)).toEqual({});
    expect(await count()).toBe(4);
    const { rows } = await admin.query(`SELECT id, name FROM ${table} ORDER BY id`);
    expect(rows).toEqual([
      { id: '1', name: 'a' },
      { id: '2', name: 'b' },
      { id: '3', name: "c'); DROP TABLE x; --" },
      { id: '4', name: null },
    ]);
  });

  it("writes buffered rows when 'sink.buffer-flush.interval' passes", async () => {
    const admin = await res.client(db().url);
    const table = tableName('interval');
    await admin.query(`CREATE TABLE ${table} (id int)`);
    const sink = res.track(
      new JdbcSinkWriter(
        sinkSpec(db().url, table, [['id', Types.INT()]], { 'sink.buffer-flush.interval': '50ms' }),
      ),
    );
    await sink.open(operatorContext());
    await sink.processBatch(batch([[7]]));
    await waitFor(async () => (await admin.query(`SELECT id FROM ${table}`)).rowCount === 1, {
      what: 'the interval flush',
    });
  });

  it('writes a changelog as upserts and deletes by the primary key, ignoring -U', async () => {
    const admin = await res.client(db().url);
    const table = tableName('upserted');
    await admin.query(
      `CREATE TABLE ${table} (region text, day int, total numeric(10, 2), PRIMARY KEY (region, day))`,
    );
    await admin.query(`INSERT INTO ${table} VALUES ('old', 1, 1.00), ('gone', 1, 2.00)`);
    const spec = sinkSpec(
      db().url,
      table,
      [
        ['region', Types.STRING(false)],
        ['day', Types.INT(false)],
        ['total', Types.DECIMAL(10, 2)],
      ],
      { 'sink.buffer-flush.max-rows': '1000', 'sink.buffer-flush.interval': '0' },
      ['region', 'day'],
    );
    const sink = res.track(new JdbcSinkWriter(spec));
    await sink.open(operatorContext());
    await sink.processBatch(
      batch(
        [
          ['eu', 1, 1000n],
          ['us', 1, 250n],
          ['eu', 1, 1000n],
          ['eu', 1, 1750n],
          ['old', 1, 9999n],
          ['gone', 1, 200n],
        ],
        [INSERT, INSERT, UPDATE_BEFORE, UPDATE_AFTER, UPDATE_AFTER, DELETE],
      ),
    );
    await sink.snapshotState(1);
    const read = async () =>
      (await admin.query(`SELECT region, day, total::text FROM ${table} ORDER BY region`)).rows;
    expect(await read()).toEqual([
      { region: 'eu', day: 1, total: '17.50' },
      { region: 'old', day: 1, total: '99.99' },
      { region: 'us', day: 1, total: '2.50' },
    ]);
    // Across flushes: a -U alone changes nothing, -D deletes, +I after -D brings the key back.
    await sink.processBatch(batch([['us', 1, 250n]], [UPDATE_BEFORE]));
    await sink.snapshotState(2);
    expect(await read()).toHaveLength(3);
    await sink.processBatch(
      batch(
        [
          ['eu', 1, 1750n],
          ['old', 1, 9999n],
        ],
        [DELETE, DELETE],
      ),
    );
    await sink.snapshotState(3);
    expect((await read()).map((r) => r.region)).toEqual(['us']);
    await sink.processBatch(batch([['eu', 1, 5n]], [INSERT]));
    await sink.endInput();
    expect(await read()).toEqual([
      { region: 'eu', day: 1, total: '0.05' },
      { region: 'us', day: 1, total: '2.50' },
    ]);
  });

  it('refuses updates for a table without a primary key', async () => {
    const admin = await res.client(db().url);
    const table = tableName('appendonly');
    await admin.query(`CREATE TABLE ${table} (id int)`);
    const sink = res.track(new JdbcSinkWriter(sinkSpec(db().url, table, [['id', Types.INT()]])));
    await sink.open(operatorContext());
    await expect(sink.processBatch(batch([[1]], [UPDATE_AFTER]))).rejects.toMatchObject({
      code: 'JDBC_UPDATES_WITHOUT_PRIMARY_KEY',
    });
  });

  it('quotes identifiers, so odd table and column names work', async () => {
    const admin = await res.client(db().url);
    await admin.query('CREATE SCHEMA "Sales Dept"');
    await admin.query('CREATE TABLE "Sales Dept"."Order ""Lines""" ("Qty" int, "select" text)');
    const sink = res.track(
      new JdbcSinkWriter(
        sinkSpec(db().url, '"Sales Dept"."Order ""Lines"""', [
          ['Qty', Types.INT()],
          ['select', Types.STRING()],
        ]),
      ),
    );
    await sink.open(operatorContext());
    await sink.processBatch(batch([[2, 'x']]));
    await sink.snapshotState(1);
    const { rows } = await admin.query('SELECT * FROM "Sales Dept"."Order ""Lines"""');
    expect(rows).toEqual([{ Qty: 2, select: 'x' }]);
  });

  it('reports a missing table and a failed login without the password or the full url', async () => {
    const missing = res.track(new JdbcSinkWriter(sinkSpec(db().url, 'no_such_table', [['id', Types.INT()]])));
    // Found when the sink opens, before it takes a row; a restart cannot fix it, so it is a 'user' error.
    const err = await Promise.resolve(missing.open(operatorContext())).catch((e: unknown) => e);
    expect(isWeirError(err) && err.code).toBe('JDBC_TABLE_NOT_FOUND');
    expect(isWeirError(err) && err.kind).toBe('user');

    const secret = 'hunter2-s3cret';
    const url = new URL(db().url);
    const spec = sinkSpec(db().url, 'whatever', [['id', Types.INT()]], {
      url: `jdbc:postgresql://${url.host}/no_such_database_${secret}x?password=${secret}`,
      password: secret,
      'connection.max-retry-timeout': '0',
    });
    const login = res.track(new JdbcSinkWriter(spec));
    const failure = await Promise.resolve(login.open(operatorContext())).catch((e: unknown) => e);
    expect(isWeirError(failure)).toBe(true);
    const text = isWeirError(failure) ? `${failure.message}\n${failure.hint}` : '';
    expect(text).toMatch(/no_such_database/);
    expect(text).not.toContain(`password=`);
    expect(failure).toMatchObject({ kind: 'user' });
  });

  it("reads 'sink.delivery-guarantee' case-insensitively, defaulting to at-least-once", () => {
    expect(
      new Configuration([['sink.delivery-guarantee', 'EXACTLY-ONCE']]).get(SINK_DELIVERY_GUARANTEE),
    ).toBe('exactly-once');
    expect(new Configuration().get(SINK_DELIVERY_GUARANTEE)).toBe('at-least-once');
  });
});
