import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../../src/api/index.js';

describe('the library API runs jobs on worker threads', () => {
  it('runs a parallel aggregation on two workers and the collect sink on the main thread', async () => {
    const env = createEnvironment({
      config: { 'parallelism.default': '2', 'taskmanager.worker-threads': '2' },
    });
    await env.executeSql(`CREATE TABLE numbers (id BIGINT) WITH (
      'connector' = 'datagen', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '10000')`);
    const result = await env.executeSql(
      'SELECT id % 4 AS k, COUNT(*) AS n, SUM(id) AS s FROM numbers GROUP BY id % 4',
    );
    const table = new Map<string, string>();
    for await (const row of result.collect()) {
      const [k, n, s] = row.values.map(String);
      if (row.kind === '+I' || row.kind === '+U') table.set(k, `${n}/${s}`);
      else table.delete(k);
    }
    await result.await();
    expect(Object.fromEntries(table)).toEqual({
      '0': `2500/${(2500 * (4 + 10000)) / 2}`,
      '1': `2500/${(2500 * (1 + 9997)) / 2}`,
      '2': `2500/${(2500 * (2 + 9998)) / 2}`,
      '3': `2500/${(2500 * (3 + 9999)) / 2}`,
    });
    const threads = new Map(result.jobClient!.taskStatus().map((t) => [t.taskName, t.thread]));
    const collect = [...threads].filter(([name]) => name.includes('Sink'));
    expect(collect.length).toBeGreaterThan(0);
    for (const [, thread] of collect) expect(thread).toBe(0);
    const others = [...threads].filter(([name]) => !name.includes('Sink')).map(([, thread]) => thread);
    expect(new Set(others)).toEqual(new Set([1, 2]));
    await env.close();
  });
});
