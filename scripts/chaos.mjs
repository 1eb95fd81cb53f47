#!/usr/bin/env node
// The crash loop of issue 11 (src/testing/crash-loop.ts): SIGKILLs a job at moments drawn from a
// seed, resumes it from its latest retained checkpoint, and checks its output at the end.
//
//   npm run chaos -- --seed 7 --kills 30 --sink kafka|jdbc|filesystem|all [--guarantee at-least-once] [--rows N]
//        [--query copy|filter|join|window|upsert]  (the job between the sequence and the sink; upsert: a
//                                  GROUP BY whose updates the jdbc sink upserts by primary key)
//        [--source datagen|kafka]  (kafka: an input topic filled with the sequence first, topic → topic)
//        [--rate R] [--parallelism P] [--interval 300ms] [--failpoint-share 0.5]
//        [--kill-window 300,2500]  (timed kills land this many ms after the job is submitted)
//        [--after-checkpoint]      (… after the run's first completed checkpoint instead)
//        [--schedule 'sink.before-commit=kill@2' …]  (repeatable: the WEIR_FAILPOINTS of the first
//                                  runs, in order, before the seed's choices; each must be reached)
//
// Kafka and PostgreSQL come from weir/testing: WEIR_KAFKA_BOOTSTRAP / WEIR_PG_URL, the server at
// 127.0.0.1:5432, or private ones started for the run. Needs `npm run build` first.
import { parseArgs } from 'node:util';
import { formatReport, runCrashLoop } from '../dist/testing/crash-loop.js';
import { createDatabase, startKafka, startPostgres } from '../dist/testing/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    kills: { type: 'string', default: '10' },
    sink: { type: 'string', default: 'kafka' },
    source: { type: 'string', default: 'datagen' },
    guarantee: { type: 'string', default: 'exactly-once' },
    query: { type: 'string', default: 'copy' },
    rows: { type: 'string' },
    rate: { type: 'string' },
    parallelism: { type: 'string' },
    interval: { type: 'string' },
    'failpoint-share': { type: 'string' },
    'kill-window': { type: 'string' },
    'after-checkpoint': { type: 'boolean', default: false },
    schedule: { type: 'string', multiple: true },
    json: { type: 'boolean', default: false },
  },
});
const sinks = values.sink === 'all' ? ['kafka', 'jdbc', 'filesystem'] : values.sink.split(',');
for (const s of sinks) {
  if (!['kafka', 'jdbc', 'filesystem'].includes(s))
    throw new Error(`--sink ${s}: expected kafka, jdbc, filesystem or all`);
}
if (values.source !== 'datagen' && values.source !== 'kafka')
  throw new Error(`--source ${values.source}: expected datagen or kafka`);
const kafka = sinks.includes('kafka') || values.source === 'kafka' ? await startKafka() : undefined;
const postgres = sinks.includes('jdbc') ? await startPostgres() : undefined;
const db = postgres ? await createDatabase(postgres, 'chaos') : undefined;
let failed = false;
try {
  for (const sink of sinks) {
    const report = await runCrashLoop({
      seed: Number(values.seed),
      kills: Number(values.kills),
      sink,
      source: values.source,
      guarantee: values.guarantee,
      query: values.query,
      rows: values.rows ? Number(values.rows) : undefined,
      rowsPerSecond: values.rate ? Number(values.rate) : undefined,
      parallelism: values.parallelism ? Number(values.parallelism) : undefined,
      checkpointInterval: values.interval,
      failpointShare: values['failpoint-share'] ? Number(values['failpoint-share']) : undefined,
      killAfterCheckpoint: values['after-checkpoint'],
      killWindowMs: values['kill-window'] ? values['kill-window'].split(',').map(Number) : undefined,
      kafkaBootstrap: kafka?.bootstrapServers,
      postgresUrl: db?.url,
      schedule: values.schedule,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    console.log(values.json ? JSON.stringify(report) : formatReport(report));
    if (report.problems.length > 0) failed = true;
  }
} finally {
  await db?.drop();
  await postgres?.stop();
  await kafka?.stop();
}
process.exitCode = failed ? 1 : 0;
