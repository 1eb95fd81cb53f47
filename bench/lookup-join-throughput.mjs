#!/usr/bin/env node
import pg from 'pg';
// Lookup join throughput against a local PostgreSQL: datagen orders (ROWS rows, customer ids
// uniform over KEYS) -> LookupJoin on a JDBC table of KEYS customers -> blackhole, parallelism 1,
// with 'lookup.cache' = 'NONE' and 'PARTIAL'. Each input batch's keys are looked up in one
// `WHERE id = ANY($1)` query; with the cache only the keys not cached yet are.
// Run `npm run build` first. Uses WEIR_PG_URL, or a PostgreSQL it finds or starts (weir/testing).
// Prints input rows per second of wall time and about how many queries the lookups sent
// (transactions committed in the database, from pg_stat_database).
import { createEnvironment } from '../dist/api/index.js';
import { createDatabase, startPostgres } from '../dist/testing/index.js';

const rows = Number(process.env.ROWS ?? 200_000);
const keys = Number(process.env.KEYS ?? 10_000);
const server = await startPostgres();
const db = await createDatabase(server, 'bench-lookup');
const admin = new pg.Client(db.url);
await admin.connect();
await admin.query('CREATE TABLE customers (id int PRIMARY KEY, name text, country text)');
await admin.query(
  `INSERT INTO customers SELECT g, 'customer-' || g, CASE WHEN g % 2 = 0 THEN 'NL' ELSE 'DE' END FROM generate_series(1, ${keys}) AS g`,
);
const jdbcUrl = db.url.replace(/^postgres(ql)?:\/\//, 'jdbc:postgresql://');

async function run(label, cacheOptions) {
  const env = createEnvironment({ config: { 'parallelism.default': '1' } });
  await env.executeSql(`CREATE TABLE orders (oid BIGINT, cid INT, pt AS PROCTIME()) WITH (
    'connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '1000000000',
    'fields.oid.kind' = 'sequence', 'fields.oid.start' = '1', 'fields.oid.end' = '${rows}',
    'fields.cid.min' = '1', 'fields.cid.max' = '${keys}')`);
  await env.executeSql(`CREATE TABLE customers (id INT, name STRING, country STRING) WITH (
    'connector' = 'jdbc', 'url' = '${jdbcUrl}', 'table-name' = 'customers'${cacheOptions})`);
  await env.executeSql(`CREATE TABLE sink (oid BIGINT, name STRING) WITH ('connector' = 'blackhole')`);
  const scans = async () => {
    // Statistics reach pg_stat_database asynchronously; flush this session's first (PG 15+).
    await admin.query('SELECT pg_stat_force_next_flush()').catch(() => {});
    // Every lookup query runs in its own (autocommit) transaction.
    const r = await admin.query(
      'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(r.rows[0]?.n ?? 0);
  };
  const scansBefore = await scans();
  const start = process.hrtime.bigint();
  const result = await env.executeSql(
    'INSERT INTO sink SELECT o.oid, c.name FROM orders AS o JOIN customers FOR SYSTEM_TIME AS OF o.pt AS c ON o.cid = c.id',
  );
  await result.await();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await env.close();
  // The server's counters lag a little behind the last lookup session's end.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const queries = (await scans()) - scansBefore;
  console.log(
    `${label.padEnd(48)} ${String(Math.round(rows / seconds)).padStart(9)} rows/s  ${seconds.toFixed(2)} s  ~${queries} queries`,
  );
}

console.log(`lookup join: ${rows} input rows, ${keys} keys, parallelism 1`);
await run("'lookup.cache' = 'NONE'", '');
await run(
  "'lookup.cache' = 'PARTIAL', max-rows = KEYS",
  `, 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '${keys}'`,
);
await run(
  "'lookup.cache' = 'PARTIAL', max-rows = KEYS / 10",
  `, 'lookup.cache' = 'PARTIAL', 'lookup.partial-cache.max-rows' = '${Math.max(1, Math.floor(keys / 10))}'`,
);
await admin.end();
await db.drop();
await server.stop();
