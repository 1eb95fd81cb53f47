import type { DiffCase } from '../case.js';

/** Input views shared by the cases in this file. */
export const PRELUDE = `
CREATE VIEW people AS SELECT * FROM (VALUES
  (1, 'Alice', 'eng', 34, CAST(1200.50 AS DECIMAL(10, 2))),
  (2, 'Bob', 'eng', 28, CAST(980.00 AS DECIMAL(10, 2))),
  (3, 'Carol', 'ops', 45, CAST(1500.25 AS DECIMAL(10, 2))),
  (4, 'Dan', CAST(NULL AS STRING), 51, CAST(NULL AS DECIMAL(10, 2))),
  (5, 'Eve', 'ops', CAST(NULL AS INT), CAST(700.75 AS DECIMAL(10, 2))),
  (6, 'Frank', 'eng', 28, CAST(980.00 AS DECIMAL(10, 2))),
  (7, 'Grace', 'sales', 39, CAST(2100.10 AS DECIMAL(10, 2)))
) AS t(id, name, dept, age, salary);
`;

export const CASES: DiffCase[] = [
  { name: 'select star', sql: 'SELECT * FROM people' },
  { name: 'VALUES directly', sql: "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS t(x, y)" },
];
