#!/usr/bin/env node
// JDBC sink throughput into PostgreSQL, as a ratio to a plain COPY of the same rows (the limit of
// the server on this machine):
//   ROWS=200000 node bench/jdbc-throughput.mjs        (npm run build first)
// PostgreSQL comes from weir/testing: WEIR_PG_URL, the server at 127.0.0.1:5432 if it can do
// two-phase commit, or a private one. For each of append and upsert (PRIMARY KEY … NOT ENFORCED,
// every key new) and each delivery guarantee, a datagen → jdbc job writes ROWS rows of
// (id BIGINT, price BIGINT, name STRING) with checkpoints every second; rows/s is from submit to
// finish. The COPY is `psql \copy` of the same rows from a CSV file. A benchmark prints figures;
// it never fails on them.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, startPostgres } from '../dist/testing/index.js';
import { runBoundedJob } from './bounded-job.mjs';

const rows = Number(process.env.ROWS ?? 200_000);
const maxRowsList = (process.env.MAX_ROWS ?? '100,5000').split(',');

const server = await startPostgres();
const db = await createDatabase(server, 'bench_jdbc');
const admin = new pg.Client({ connectionString: db.url });
await admin.connect();
const dir = await mkdtemp(join(tmpdir(), 'weir-bench-jdbc-'));

const runJob = (script) =>
  runBoundedJob(script, {
    'execution.checkpointing.interval': '1s',
    'execution.checkpointing.storage': 'jobmanager',
  });

async function freshTable(name, keyed) {
  await admin.query(`DROP TABLE IF EXISTS ${name}`);
  await admin.query(
    `CREATE TABLE ${name} (id bigint${keyed ? ' PRIMARY KEY' : ''}, price bigint, name text)`,
  );
}

async function expectRows(name) {
  const n = Number((await admin.query(`SELECT count(*) AS n FROM ${name}`)).rows[0].n);
  if (n !== rows) throw new Error(`${name} holds ${n} rows, not ${rows}`);
}

// The baseline: the same rows (as the datagen job makes them: a sequence id, a price, 16 chars).
const csv = join(dir, 'rows.csv');
{
  const lines = new Array(rows);
  for (let i = 0; i < rows; i++)
    lines[i] = `${i + 1},${(i * 7919) % 1000},${(i * 2654435761).toString(36).padEnd(16, 'x').slice(0, 16)}`;
  await writeFile(csv, `${lines.join('\n')}\n`);
}
const results = [];
const copyTimes = [];
for (const keyed of [false, true]) {
  await freshTable('copy_out', keyed);
  const u = new URL(db.url);
  const t0 = performance.now();
  const psql = spawnSync(
    'psql',
    [
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      u.username || 'postgres',
      '-d',
      db.database,
      '-qc',
      `\\copy copy_out FROM '${csv}' CSV`,
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
  );
  if (psql.status !== 0) throw new Error(`psql \\copy failed: ${psql.stderr}`);
  copyTimes.push((performance.now() - t0) / 1000);
  await expectRows('copy_out');
}
const copyRate = rows / Math.min(...copyTimes);
results.push({ sink: 'COPY (psql \\copy)', guarantee: '', maxRows: '', rate: copyRate });

// The same job into a blackhole: what the pipeline without a database can do, a ceiling for the sink.
const gen = `CREATE TABLE gen (id BIGINT, price BIGINT, name STRING) WITH ('connector' = 'datagen',
  'rows-per-second' = '100000000', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1',
  'fields.id.end' = '${rows}', 'fields.price.min' = '0', 'fields.price.max' = '999', 'fields.name.length' = '16');`;
{
  const seconds = await runJob(`${gen}
    CREATE TABLE out (id BIGINT, price BIGINT, name STRING) WITH ('connector' = 'blackhole');
    INSERT INTO out SELECT * FROM gen;`);
  results.push({ sink: 'blackhole (no database)', guarantee: '', maxRows: '', rate: rows / seconds });
}

const url = new URL(db.url);
const jdbc = `'connector' = 'jdbc', 'url' = 'jdbc:postgresql://${url.host}${url.pathname}', 'username' = '${url.username || 'postgres'}'${
  url.password ? `, 'password' = '${decodeURIComponent(url.password)}'` : ''
}`;
for (const keyed of [false, true]) {
  for (const guarantee of ['at-least-once', 'exactly-once']) {
    for (const maxRows of maxRowsList) {
      const table = `${keyed ? 'upsert' : 'append'}_out`;
      await freshTable(table, keyed);
      const seconds = await runJob(`${gen}
        CREATE TABLE out (id BIGINT, price BIGINT, name STRING${keyed ? ', PRIMARY KEY (id) NOT ENFORCED' : ''})
          WITH (${jdbc}, 'table-name' = '${table}', 'sink.delivery-guarantee' = '${guarantee}',
          'sink.buffer-flush.max-rows' = '${maxRows}');
        INSERT INTO out SELECT * FROM gen;`);
      await expectRows(table);
      results.push({ sink: keyed ? 'upsert' : 'append', guarantee, maxRows, rate: rows / seconds });
    }
  }
}

console.log(
  `\nJDBC sink into PostgreSQL ${server.mode === 'private' ? '(private cluster, fsync off)' : `(${server.mode})`}, ${rows.toLocaleString('en-US')} rows of (BIGINT, BIGINT, STRING(16)), checkpoints every 1 s`,
);
console.log('| sink | delivery guarantee | sink.buffer-flush.max-rows | rows/s | of COPY |');
console.log('| --- | --- | --- | ---: | ---: |');
for (const r of results) {
  console.log(
    `| ${r.sink} | ${r.guarantee} | ${r.maxRows} | ${Math.round(r.rate).toLocaleString('en-US')} | ${((r.rate / copyRate) * 100).toFixed(0)} % |`,
  );
}
await admin.end();
await db.drop();
await server.stop();
await rm(dir, { recursive: true, force: true });
