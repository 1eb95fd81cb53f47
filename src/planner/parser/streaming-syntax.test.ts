import { describe, expect, it } from 'vitest';
import type * as A from './ast.js';
import { print } from './printer.js';
import { parseStatement } from './script.js';

/**
 * The streaming SQL the Nexmark queries use: joins (INNER/LEFT/RIGHT/FULL/CROSS, comma lists,
 * FOR SYSTEM_TIME AS OF), window TVFs, OVER windows, CREATE FUNCTION. Each parses to the expected
 * AST and prints back to text that parses to the same AST.
 */
const POSITION_KEYS = new Set(['pos', 'opPos', 'keyPos', 'valuePos']);
function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (node && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node))
      if (!POSITION_KEYS.has(k) && v !== undefined) out[k] = strip(v);
    return out;
  }
  return node;
}
const from = (sql: string) => ((parseStatement(sql) as A.QueryStatement).query as A.Select).from!;
const item = (sql: string) =>
  (((parseStatement(sql) as A.QueryStatement).query as A.Select).items[0] as A.SelectExpr).expr;

describe('joins', () => {
  it('parses join kinds, left-associative, with ON', () => {
    const j = from(
      'SELECT * FROM a AS x INNER JOIN b y ON x.id = y.id LEFT OUTER JOIN c ON TRUE, d CROSS JOIN e',
    );
    expect(j.kind).toBe('JoinRef');
    const types: string[] = [];
    for (let r: A.TableRef = j; r.kind === 'JoinRef'; r = r.left) types.push(r.type);
    expect(types).toEqual(['CROSS', 'COMMA', 'LEFT', 'INNER']);
    expect(strip(from('SELECT * FROM a JOIN b ON a.k = b.k'))).toMatchObject({
      kind: 'JoinRef',
      type: 'INNER',
      left: { kind: 'TableName' },
      right: { kind: 'TableName' },
      on: { kind: 'BinaryExpr', op: '=' },
    });
    for (const t of ['RIGHT JOIN', 'FULL JOIN', 'FULL OUTER JOIN', 'RIGHT OUTER JOIN'])
      expect((from(`SELECT * FROM a ${t} b ON TRUE`) as A.JoinRef).type).toBe(t.split(' ')[0]);
  });

  it('parses FOR SYSTEM_TIME AS OF on the joined table', () => {
    const j = from('SELECT * FROM b JOIN side FOR SYSTEM_TIME AS OF b.p_time AS s ON b.k = s.k') as A.JoinRef;
    expect(strip(j.right)).toMatchObject({
      kind: 'TableName',
      forSystemTime: { kind: 'ColumnRef' },
      alias: { value: 's' },
    });
  });
});

describe('window TVFs and OVER windows', () => {
  it('parses TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL …)) in FROM', () => {
    const f = from(
      "SELECT * FROM TABLE(HOP(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) AS w",
    );
    expect(strip(f)).toMatchObject({
      kind: 'TableFunctionRef',
      alias: { value: 'w' },
      call: {
        name: { value: 'HOP' },
        args: [
          { kind: 'TableArg', name: { parts: [{ value: 'bid' }] } },
          { kind: 'FunctionCall', name: { value: 'DESCRIPTOR' } },
          { kind: 'IntervalLiteral' },
          { kind: 'IntervalLiteral' },
        ],
      },
    });
  });

  it('parses ROW_NUMBER() OVER and aggregate OVER with a frame', () => {
    expect(strip(item('SELECT ROW_NUMBER() OVER (PARTITION BY a, b ORDER BY c DESC) FROM t'))).toMatchObject({
      kind: 'OverCall',
      call: { name: { value: 'ROW_NUMBER' } },
      window: { partitionBy: [{}, {}], orderBy: [{ descending: true }] },
    });
    expect(
      strip(item('SELECT AVG(p) OVER (ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) FROM t')),
    ).toMatchObject({
      kind: 'OverCall',
      window: {
        frame: {
          unit: 'ROWS',
          start: { kind: 'PRECEDING', offset: { text: '10' } },
          end: { kind: 'CURRENT ROW' },
        },
      },
    });
  });
});

const ROUND_TRIP = [
  'SELECT P.name, A.id FROM auction AS A INNER JOIN person AS P ON A.seller = P.id WHERE A.category = 10',
  'SELECT * FROM auction A, bid B WHERE A.id = B.auction',
  'SELECT * FROM a LEFT JOIN b ON a.k = b.k RIGHT JOIN c ON TRUE FULL JOIN d ON TRUE CROSS JOIN e',
  'SELECT * FROM (SELECT *, PROCTIME() AS p FROM bid) B JOIN side FOR SYSTEM_TIME AS OF B.p AS S ON MOD(B.auction, 10000) = S.key',
  "SELECT window_start, COUNT(*) FROM TABLE(TUMBLE(TABLE bid, DESCRIPTOR(`dateTime`), INTERVAL '10' SECOND)) GROUP BY window_start, window_end",
  "SELECT * FROM TABLE(CUMULATE(TABLE bid, DESCRIPTOR(ts), INTERVAL '1' SECOND, INTERVAL '1' MINUTE))",
  'SELECT *, ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC, c ASC) AS rn FROM t',
  'SELECT AVG(p) OVER (PARTITION BY s ORDER BY ts ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) FROM t',
  'SELECT SUM(p) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t',
  'SELECT COUNT(DISTINCT a) FILTER (WHERE b > 1) FROM t',
  "CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'",
  "CREATE TEMPORARY FUNCTION IF NOT EXISTS f AS 'x.Y' LANGUAGE JAVA",
];

describe('print round trip', () => {
  it.each(ROUND_TRIP)('parse(print(parse(x))) equals parse(x): %s', (sql) => {
    const first = parseStatement(sql);
    expect(strip(parseStatement(print(first)))).toEqual(strip(first));
  });
});
