import { describe, expect, it } from 'vitest';
import { isWeirError, type WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { upsertKafkaDescriptor } from '../connectors/kafka/upsert/options.js';
import { TEST_CONNECTORS } from './__fixtures__/connectors.js';
import { SqlSession, type StatementResult } from './session.js';

const KAFKA = `'properties.bootstrap.servers' = 'localhost:9092', 'key.format' = 'json', 'value.format' = 'json'`;
const SETUP = `CREATE TABLE clicks (user_id STRING, url STRING) WITH ('connector' = 'datagen');
CREATE TABLE counts (user_id STRING, cnt BIGINT, PRIMARY KEY (user_id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'counts', ${KAFKA});
CREATE TABLE users (id BIGINT, name STRING, region STRING, PRIMARY KEY (id) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'users', ${KAFKA});
CREATE TABLE per_region (region STRING, cnt BIGINT, PRIMARY KEY (region) NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 'per_region', ${KAFKA});
CREATE TABLE appends (id BIGINT, name STRING, region STRING) WITH ('connector' = 'vault', 'url' = 'x');`;

function session(): SqlSession {
  const s = new SqlSession({ connectors: [...TEST_CONNECTORS, upsertKafkaDescriptor] });
  s.executeScript(SETUP);
  return s;
}

function one(sql: string, s = session()): StatementResult {
  const results = s.executeScript(sql, 'job.sql');
  return results[results.length - 1];
}

function explain(sql: string): string {
  const r = one(sql);
  if (r.kind !== 'explain') throw new Error(r.kind);
  return r.text;
}

function job(sql: string): JobGraph {
  const r = one(sql);
  if (r.kind !== 'job') throw new Error(r.kind);
  return r.jobGraph;
}

function failure(sql: string): WeirError {
  try {
    one(sql);
  } catch (err) {
    if (isWeirError(err)) return err;
    throw err;
  }
  throw new Error(`no error for ${sql}`);
}

describe('upsert-kafka planning', () => {
  it('requires a PRIMARY KEY, pointing at the connector option', () => {
    const err = failure(
      `CREATE TABLE nokey (a STRING, b BIGINT)\nWITH ('connector' = 'upsert-kafka', 'topic' = 't', ${KAFKA})`,
    );
    expect(err.code).toBe('SQL_VALIDATION');
    expect(err.message).toContain("'upsert-kafka' tables require to define a PRIMARY KEY constraint");
    expect(err.position).toMatchObject({ line: 2, column: 21 });
  });

  it('requires key.format and value.format', () => {
    const err = failure(
      `CREATE TABLE k (a STRING PRIMARY KEY NOT ENFORCED) WITH ('connector' = 'upsert-kafka', 'topic' = 't', 'properties.bootstrap.servers' = 'x', 'value.format' = 'json')`,
    );
    expect(err.message).toContain("Missing required option 'key.format'");
  });

  it('takes a GROUP BY as an upsert stream: no -U is generated for it', () => {
    const text = explain(
      'EXPLAIN CHANGELOG_MODE INSERT INTO counts SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id',
    );
    expect(text).toContain(
      'GroupAggregate(groupBy=[user_id], select=[user_id, COUNT(*) AS EXPR$1], changelogMode=[I,UA])',
    );
    const g = job('INSERT INTO counts SELECT user_id, COUNT(*) FROM clicks GROUP BY user_id');
    const sink = g.vertices.find((v) => v.operator.kind === 'sink');
    expect(sink?.operator).toMatchObject({
      inputChangelogMode: 'upsert',
      connector: { primaryKey: ['user_id'] },
    });
    const agg = g.vertices.find((v) => v.operator.kind === 'group-aggregate');
    expect(agg?.operator).toMatchObject({ generateUpdateBefore: false });
  });

  it('puts a ChangelogNormalize keyed by the primary key after the source', () => {
    const text = explain('EXPLAIN CHANGELOG_MODE SELECT * FROM users');
    expect(text).toContain(`ChangelogNormalize(key=[id], changelogMode=[I,UB,UA,D])
+- Exchange(distribution=[hash[id]], changelogMode=[I,UA,D])
   +- TableSourceScan(table=[[default_catalog, default_database, users]], fields=[id, name, region], changelogMode=[I,UA,D])`);
  });

  it('normalizes without -U into an upsert sink, with -U under an aggregate', () => {
    const copy = explain('EXPLAIN CHANGELOG_MODE INSERT INTO users SELECT * FROM users');
    expect(copy).toContain('ChangelogNormalize(key=[id], changelogMode=[I,UA,D])');
    const agg = explain(
      'EXPLAIN CHANGELOG_MODE INSERT INTO per_region SELECT region, COUNT(*) FROM users GROUP BY region',
    );
    expect(agg).toContain('ChangelogNormalize(key=[id], changelogMode=[I,UB,UA,D])');
    expect(agg).toContain(
      'GroupAggregate(groupBy=[region], select=[region, COUNT(*) AS EXPR$1], changelogMode=[I,UA,D])',
    );
    const g = job('INSERT INTO per_region SELECT region, COUNT(*) FROM users GROUP BY region');
    const normalize = g.vertices.find((v) => v.operator.kind === 'changelog-normalize');
    expect(normalize?.operator).toEqual({
      kind: 'changelog-normalize',
      keys: [0],
      generateUpdateBefore: true,
    });
    expect(normalize?.keyed).toBeTruthy();
  });

  it('rejects an upsert-kafka source into an append-only sink', () => {
    const err = failure('INSERT INTO appends SELECT * FROM users');
    // As Flink, the message names the node where the updates start: the upsert source.
    expect(err.message).toContain(
      "doesn't support consuming update changes which is produced by node TableSourceScan(table=[[default_catalog, default_database, users]]",
    );
  });
});
