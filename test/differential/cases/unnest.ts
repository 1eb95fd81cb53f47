import type { DiffCase } from '../case.js';

/**
 * Orders with collections, as JSON lines: an ARRAY of strings (empty, NULL, with a NULL element),
 * an ARRAY of ROWs, a MAP and a MULTISET (weir reads a JSON array as a MULTISET's elements).
 */
const ORDERS = [
  {
    id: 1,
    tags: ['red', 'big'],
    items: [
      { name: 'shirt', qty: 2 },
      { name: 'hat', qty: 1 },
    ],
    attrs: { size: 3, weight: 7 },
    bag: ['a', 'a', 'b'],
  },
  { id: 2, tags: [], items: [], attrs: {}, bag: [] },
  { id: 3, tags: null, items: null, attrs: null, bag: null },
  { id: 4, tags: ['red', null], items: [{ name: 'sock', qty: null }, null], attrs: { size: 1 }, bag: ['c'] },
  { id: 5, tags: ['blue'], items: [{ name: 'shirt', qty: 5 }], attrs: { weight: 2 }, bag: ['a'] },
]
  .map((o) => JSON.stringify(o))
  .join('\n');

const TABLE = `
CREATE TABLE orders (
  id INT,
  tags ARRAY<STRING>,
  items ARRAY<ROW<name STRING, qty INT>>,
  attrs MAP<STRING, INT>,
  bag MULTISET<STRING>
) WITH ('connector' = 'filesystem', 'path' = '$DIR/orders.json', 'format' = 'json');
`;

const q = (name: string, query: string): DiffCase => ({
  name,
  sql: `${TABLE}${query}`,
  files: { 'orders.json': ORDERS },
});

/** UNNEST of ARRAY, ROW arrays, MAP and MULTISET columns, and aggregates over the unnested rows. */
export const UNNEST: DiffCase[] = [
  q('CROSS JOIN UNNEST of an ARRAY', 'SELECT id, tag FROM orders CROSS JOIN UNNEST(tags) AS t(tag)'),
  q(
    'comma join with UNNEST, a filter on the element',
    "SELECT id, tag FROM orders, UNNEST(tags) AS t(tag) WHERE tag <> 'big'",
  ),
  q(
    'LEFT JOIN UNNEST … ON TRUE keeps empty and NULL arrays',
    'SELECT o.id, t.tag FROM orders o LEFT JOIN UNNEST(o.tags) AS t(tag) ON TRUE',
  ),
  q(
    'UNNEST of an ARRAY of ROWs spreads its fields',
    'SELECT id, name, qty FROM orders CROSS JOIN UNNEST(items) AS i(name, qty)',
  ),
  q(
    'UNNEST of a MAP: key and value',
    'SELECT id, k, v FROM orders CROSS JOIN UNNEST(attrs) AS m(k, v) WHERE v > 1',
  ),
  q('UNNEST of a MULTISET repeats its elements', 'SELECT id, b FROM orders CROSS JOIN UNNEST(bag) AS t(b)'),
  q(
    'aggregation over unnested rows',
    'SELECT name, COUNT(*), SUM(qty) FROM orders CROSS JOIN UNNEST(items) AS i(name, qty) GROUP BY name',
  ),
  q(
    'INNER JOIN UNNEST with an ON condition',
    "SELECT id, tag FROM orders JOIN UNNEST(tags) AS t(tag) ON tag = 'red'",
  ),
];
