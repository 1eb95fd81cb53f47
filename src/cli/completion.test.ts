import { describe, expect, it } from 'vitest';
import { KEYWORDS, SqlSession } from '../planner/index.js';
import { sqlCompleter } from './completion.js';

describe('SQL client tab completion', () => {
  const session = new SqlSession({
    connectors: [
      {
        identifier: 'datagen',
        requiredOptions: [],
        optionalOptions: [],
        source: { changelogMode: 'insert-only' },
      },
    ],
  });
  session.executeScript(
    "CREATE TABLE orders (order_id BIGINT, origin STRING) WITH ('connector' = 'datagen');",
  );
  const complete = sqlCompleter(session, KEYWORDS.keys());

  it('completes keywords in the case they were started in', () => {
    expect(complete('SEL')).toEqual([['SELECT'], 'SEL']);
    expect(complete('sel')).toEqual([['select'], 'sel']);
  });

  it('completes table and column names of the session', () => {
    expect(complete('SELECT order_')).toEqual([['order_id'], 'order_']);
    expect(complete('SELECT * FROM ord')[0]).toContain('orders');
    expect(complete('SELECT ori')[0]).toContain('origin');
  });

  it('offers nothing after a space', () => expect(complete('SELECT ')).toEqual([[], '']));
});
