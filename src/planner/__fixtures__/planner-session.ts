import { isWeirError, type WeirError } from '../../common/errors.js';
import type { JobGraph } from '../../common/jobgraph.js';
import { SqlSession, type StatementResult } from '../session.js';
import { TEST_CONNECTORS } from './connectors.js';

/** What planner tests ask of a fresh session that has run `setup`: results, plans, jobs and errors. */
export interface PlannerProbe {
  /** The last statement's result. */
  one(sql: string): StatementResult;
  /** `EXPLAIN CHANGELOG_MODE <sql>` as text. */
  explain(sql: string): string;
  /** The optimized physical plan with changelog modes, one node a line without the tree marks. */
  physicalPlan(sql: string): string[];
  job(sql: string): JobGraph;
  /** The WeirError planning `sql` throws (fails the test when it plans). */
  failure(sql: string): WeirError;
}

export function plannerProbe(setup: string): PlannerProbe {
  const one = (sql: string): StatementResult => {
    const s = new SqlSession({ connectors: TEST_CONNECTORS });
    s.executeScript(setup);
    const results = s.executeScript(sql, 'job.sql');
    return results[results.length - 1];
  };
  const explain = (sql: string): string => {
    const r = one(`EXPLAIN CHANGELOG_MODE ${sql}`);
    if (r.kind !== 'explain') throw new Error(r.kind);
    return r.text;
  };
  return {
    one,
    explain,
    physicalPlan: (sql) => {
      const text = explain(sql);
      const section = '== Optimized Physical Plan ==';
      const lines = text
        .slice(text.indexOf(section) + section.length)
        .trim()
        .split('\n')
        .map((l) => l.replace(/^[\s:|+-]*/, ''));
      return lines.slice(0, lines.indexOf(''));
    },
    job: (sql) => {
      const r = one(sql);
      if (r.kind !== 'job') throw new Error(r.kind);
      return r.jobGraph;
    },
    failure: (sql) => {
      try {
        one(sql);
      } catch (err) {
        if (isWeirError(err)) return err;
        throw err;
      }
      throw new Error(`planned without an error: ${sql}`);
    },
  };
}
