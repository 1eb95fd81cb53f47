import type { DiffCase } from '../case.js';

const ORDERS_CSV = [
  '1,alice,12.50,2024-01-01 10:00:00',
  '2,bob,3.25,2024-01-01 10:00:05',
  '3,alice,7.00,2024-01-01 10:01:00',
  '4,carol,,2024-01-01 10:02:30',
  '5,bob,100.99,2024-01-01 10:03:00',
  '6,"dave, jr",1.01,2024-01-01 10:03:01',
  '7,alice,0.99,2024-01-01 10:05:00',
].join('\n');

const ordersTable = (path: string, format = 'csv') => `
CREATE TABLE orders (
  id INT,
  customer STRING,
  amount DECIMAL(10, 2),
  ts TIMESTAMP(3)
) WITH ('connector' = 'filesystem', 'path' = '${path}', 'format' = '${format}');
`;

const jsonLine = (id: number, customer: string | null, amount: number | null, ts: string) =>
  JSON.stringify({ id, customer, amount, ts });

/** Split files for parallel reading: several files in nested directories, with hidden files skipped. */
const SPLIT_FILES = {
  'orders/part-0.csv': ORDERS_CSV.split('\n').slice(0, 3).join('\n'),
  'orders/part-1.csv': `${ORDERS_CSV.split('\n').slice(3, 5).join('\n')}\n`,
  'orders/more/part-2.csv': ORDERS_CSV.split('\n').slice(5).join('\r\n'),
  'orders/.part-3.csv.inprogress': '99,ghost,1.00,2024-01-01 00:00:00',
  'orders/_SUCCESS': '',
};

const q = (
  name: string,
  sql: string,
  files: Record<string, string>,
  extra: Partial<DiffCase> = {},
): DiffCase => ({
  name,
  sql,
  files,
  ...extra,
});

/** The filesystem connector as a bounded source: csv, json, raw; a file or a directory of splits. */
export const FILESYSTEM: DiffCase[] = [
  q('csv file', `${ordersTable('$DIR/orders.csv')} SELECT * FROM orders`, { 'orders.csv': ORDERS_CSV }),
  q('csv file with trailing newline', `${ordersTable('$DIR/orders.csv')} SELECT id, customer FROM orders`, {
    'orders.csv': `${ORDERS_CSV}\n`,
  }),
  q('csv directory of splits', `${ordersTable('$DIR/orders')} SELECT * FROM orders`, SPLIT_FILES),
  q(
    'aggregate over a directory of splits',
    `${ordersTable('$DIR/orders')} SELECT customer, COUNT(*), SUM(amount), MAX(ts) FROM orders GROUP BY customer`,
    SPLIT_FILES,
  ),
  q(
    'filter and project from csv',
    `${ordersTable('$DIR/orders.csv')} SELECT id, amount * 2 FROM orders WHERE amount > 5`,
    { 'orders.csv': ORDERS_CSV },
  ),
  q('json lines', `${ordersTable('$DIR/orders.json', 'json')} SELECT * FROM orders`, {
    'orders.json': [
      jsonLine(1, 'alice', 12.5, '2024-01-01 10:00:00'),
      jsonLine(2, null, 3.25, '2024-01-01 10:00:05'),
      jsonLine(3, 'bob', null, '2024-01-01 10:01:00'),
    ].join('\n'),
  }),
  q(
    'json lines aggregated',
    `${ordersTable('$DIR/j', 'json')} SELECT customer, COUNT(*), SUM(amount) FROM orders GROUP BY customer`,
    {
      'j/a.json': [
        jsonLine(1, 'alice', 12.5, '2024-01-01 10:00:00'),
        jsonLine(2, 'bob', 3.25, '2024-01-01 10:00:05'),
      ].join('\n'),
      'j/b.json': [
        jsonLine(3, 'alice', 1, '2024-01-01 10:01:00'),
        jsonLine(4, 'bob', 2.5, '2024-01-01 10:02:00'),
      ].join('\n'),
      'j/c.json': jsonLine(5, 'carol', 9.75, '2024-01-01 10:03:00'),
    },
  ),
  q(
    'raw lines',
    `CREATE TABLE lines (line STRING) WITH ('connector' = 'filesystem', 'path' = '$DIR/log.txt', 'format' = 'raw');
     SELECT line, CHAR_LENGTH(line) FROM lines WHERE line NOT LIKE '#%'`,
    { 'log.txt': '# header\nstarted\nwarning: disk 91%\n# note\nstopped\n' },
  ),
  q(
    'word count over raw lines',
    `CREATE TABLE lines (line STRING) WITH ('connector' = 'filesystem', 'path' = '$DIR/words', 'format' = 'raw');
     SELECT line AS word, COUNT(*) FROM lines GROUP BY line`,
    { 'words/a.txt': 'to\nbe\nor\nnot\n', 'words/b.txt': 'to\nbe\n', 'words/c.txt': 'be' },
  ),
  q(
    'csv with a WATERMARK column passes rows through',
    `CREATE TABLE orders (
       id INT, customer STRING, amount DECIMAL(10, 2), ts TIMESTAMP(3),
       WATERMARK FOR ts AS ts - INTERVAL '5' SECOND
     ) WITH ('connector' = 'filesystem', 'path' = '$DIR/orders.csv', 'format' = 'csv');
     SELECT id, ts FROM orders WHERE customer = 'alice'`,
    { 'orders.csv': ORDERS_CSV },
  ),
  q(
    'union of a file and VALUES',
    `${ordersTable('$DIR/orders.csv')} SELECT customer FROM orders UNION ALL SELECT * FROM (VALUES ('zoe'), ('alice')) AS v(c)`,
    { 'orders.csv': ORDERS_CSV },
  ),
  q(
    'the same file read twice in a UNION ALL',
    `${ordersTable('$DIR/orders.csv')} SELECT id FROM orders WHERE id < 3 UNION ALL SELECT id FROM orders WHERE id > 5`,
    { 'orders.csv': ORDERS_CSV },
  ),
  q(
    'distinct customers from many files',
    `${ordersTable('$DIR/orders')} SELECT DISTINCT customer FROM orders`,
    SPLIT_FILES,
  ),
  q(
    'nested aggregate over files',
    `${ordersTable('$DIR/orders')} SELECT n, COUNT(*) FROM (SELECT customer, COUNT(*) AS n FROM orders GROUP BY customer) GROUP BY n`,
    SPLIT_FILES,
  ),
  q(
    'empty file',
    `${ordersTable('$DIR/empty.csv')} SELECT * FROM orders`,
    { 'empty.csv': '' },
    { noRestore: true },
  ),
];
