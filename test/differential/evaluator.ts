import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { javaDoubleToString } from '../../src/common/format.js';
import type { LogicalType } from '../../src/common/types.js';
import type * as A from '../../src/planner/parser/ast.js';
import { parseScript } from '../../src/planner/parser/index.js';
import {
  adjustPrecisionScale,
  CollectionValue,
  DateValue,
  Dec,
  divideHalfUp,
  ProcTimeValue,
  RowValue,
  TimestampValue,
  TimeValue,
  type Value,
} from './values.js';

/**
 * The reference: a batch evaluator of the SQL a case runs, small and slow on purpose. It reads
 * weir's parser AST and nothing else of weir (no binder, planner or runtime): tables are arrays
 * of rows, a query is evaluated bottom-up with nested loops, and each construct follows what
 * Flink documents for it. Where a streaming query's final result differs from the batch answer
 * (a global aggregate over no rows emits nothing; late rows are dropped), the streaming answer
 * is modelled, since that is what weir must match.
 */

export interface Column {
  readonly name: string;
  readonly qualifier?: string;
}

export interface Relation {
  readonly columns: readonly Column[];
  readonly rows: readonly Value[][];
}

interface TableDef {
  readonly columns: readonly { name: string; type: LogicalType }[];
  /** Computed columns (`pt AS PROCTIME()`), appended after the physical ones in the evaluator. */
  readonly computed: readonly { name: string; expr: A.Expr }[];
  readonly options: Readonly<Record<string, string>>;
  readonly watermark?: A.WatermarkDef;
  readonly primaryKey?: readonly string[];
  /** PARTITIONED BY columns: not in the files, but in their directories' names (`key=value`). */
  readonly partitionKeys: readonly string[];
}

interface ViewDef {
  readonly query: A.Query;
  readonly columns?: readonly string[];
}

export class EvaluationError extends Error {}

const fail = (message: string): never => {
  throw new EvaluationError(message);
};

/** What a script reads besides files: a connector's rows, user functions, the processing-time clock. */
export interface ScriptInputs {
  /**
   * Rows of tables whose connector the evaluator does not read (e.g. 'nexmark'), by table name, in
   * arrival order and in the runtime's representation (numbers, epoch-millisecond timestamps, a ROW
   * as the array of its fields), as weir's own source would emit them.
   */
  readonly tables?: Readonly<Record<string, readonly (readonly unknown[])[]>>;
  /**
   * User-defined functions by the class name CREATE FUNCTION gives: the user's own code (a module's
   * default export, as weir loads it), called with the arguments' runtime values.
   */
  readonly functions?: Readonly<Record<string, UserFunction>>;
  /**
   * The processing-time clock, frozen for the whole run: every PROCTIME() reads it, so a
   * processing-time window (which fires when the clock passes its end) never fires.
   */
  readonly proctime?: number;
}

export interface UserFunction {
  readonly resultType: string;
  eval(...args: unknown[]): unknown;
}

/** The inputs of the script being evaluated (a script is evaluated at a time, synchronously). */
let INPUTS: ScriptInputs = {};
const FUNCTIONS = new Map<string, UserFunction>();

/**
 * Evaluates a script: CREATE TABLE (filesystem, or rows given in `inputs`), CREATE VIEW, CREATE
 * FUNCTION, SET, and the last SELECT's result or INSERT's rows (cast to the target's columns).
 */
export function evaluateScript(script: string, inputs: ScriptInputs = {}): Relation {
  const ev = new Evaluator();
  INPUTS = inputs;
  FUNCTIONS.clear();
  let result: Relation | undefined;
  for (const statement of parseScript(script)) {
    const ast = statement.ast;
    switch (ast.kind) {
      case 'CreateTable':
        ev.tables.set(lastName(ast.name), {
          columns: ast.columns.flatMap((c) =>
            c.kind === 'PhysicalColumn'
              ? [{ name: c.name.value, type: c.type.type }]
              : c.kind === 'ComputedColumn'
                ? []
                : fail(`evaluator: ${c.kind} columns are not modelled`),
          ),
          computed: ast.columns.flatMap((c) =>
            c.kind === 'ComputedColumn' ? [{ name: c.name.value, expr: c.expr }] : [],
          ),
          options: Object.fromEntries(ast.options.map((o) => [o.key, o.value])),
          watermark: ast.watermark,
          ...(ast.primaryKey ? { primaryKey: ast.primaryKey.columns.map((c) => c.value) } : {}),
          partitionKeys: ast.partitionedBy.map((c) => c.value),
        });
        break;
      case 'CreateView':
        ev.views.set(lastName(ast.name), { query: ast.query, columns: ast.columns?.map((c) => c.value) });
        break;
      case 'SetStatement':
        break;
      case 'QueryStatement':
        result = ev.query(ast.query, new Map());
        break;
      case 'Insert':
        result = ev.insert(ast);
        break;
      case 'CreateFunction':
        FUNCTIONS.set(
          lastName(ast.name).toUpperCase(),
          inputs.functions?.[ast.className] ?? fail(`evaluator: no code for function class ${ast.className}`),
        );
        break;
      default:
        fail(`evaluator: statement ${ast.kind} is not modelled`);
    }
  }
  return result ?? fail('the script has no SELECT');
}

const lastName = (n: A.QualifiedName) => n.parts[n.parts.length - 1].value;

type Ctes = ReadonlyMap<string, Relation>;

/** The row an expression sees: the input's columns, and for aggregates the group's rows. */
interface Env {
  readonly columns: readonly Column[];
  readonly row: readonly Value[];
  readonly group?: readonly (readonly Value[])[];
  /** Values of the SELECT's OVER calls for this row. */
  readonly over?: ReadonlyMap<A.Expr, Value>;
  /** The enclosing query's row, for a correlated subquery's names not found in its own FROM. */
  readonly outer?: Env;
  /** Evaluates an IN / EXISTS subquery of this row's query, correlated with `outer`. */
  readonly subquery?: (q: A.Query, outer: Env) => Relation;
}

const AGGREGATES = new Set(['COUNT', 'SUM', 'MIN', 'MAX', 'AVG', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']);

function hasAggregate(e: A.Expr | undefined): boolean {
  if (!e) return false;
  switch (e.kind) {
    case 'FunctionCall':
      return AGGREGATES.has(e.name.value.toUpperCase()) || e.args.some(hasAggregate);
    case 'BinaryExpr':
      return hasAggregate(e.left) || hasAggregate(e.right);
    case 'UnaryExpr':
      return hasAggregate(e.operand);
    case 'IsExpr':
      return hasAggregate(e.operand);
    case 'InExpr':
      return hasAggregate(e.operand) || e.items.some(hasAggregate);
    case 'BetweenExpr':
      return hasAggregate(e.operand) || hasAggregate(e.low) || hasAggregate(e.high);
    case 'LikeExpr':
      return hasAggregate(e.operand) || hasAggregate(e.pattern);
    case 'CastExpr':
      return hasAggregate(e.operand);
    case 'CaseExpr':
      return (
        hasAggregate(e.operand) ||
        e.whens.some((w) => hasAggregate(w.when) || hasAggregate(w.result)) ||
        hasAggregate(e.else)
      );
    default:
      return false;
  }
}

export class Evaluator {
  readonly tables = new Map<string, TableDef>();
  readonly views = new Map<string, ViewDef>();

  /** INSERT INTO t SELECT …: the query's rows, each value cast to t's column, as a sink receives them. */
  insert(ast: A.Insert): Relation {
    if (ast.columns) fail('evaluator: INSERT with a column list is not modelled');
    const table = this.tables.get(lastName(ast.table)) ?? fail(`no table '${lastName(ast.table)}'`);
    const r = this.query(ast.query, new Map());
    if (r.columns.length !== table.columns.length) fail('INSERT: the query and the table differ in width');
    return {
      columns: table.columns.map((c) => ({ name: c.name })),
      rows: r.rows.map((row) => row.map((v, i) => castValue(v, table.columns[i].type, true))),
    };
  }

  query(q: A.Query, ctes: Ctes, outer?: Env): Relation {
    switch (q.kind) {
      case 'Select':
        return this.select(q, ctes, outer);
      case 'Values':
        return values(q);
      case 'SetOperation': {
        const left = this.query(q.left, ctes);
        const right = this.query(q.right, ctes);
        if (left.columns.length !== right.columns.length) fail('UNION inputs differ in width');
        const rows = unifyColumns([...left.rows, ...right.rows]);
        return {
          columns: left.columns.map((c) => ({ name: c.name })),
          rows: q.all ? rows : distinctRows(rows),
        };
      }
      case 'WithQuery': {
        const inner = new Map(ctes);
        for (const cte of q.ctes) {
          const r = this.query(cte.query, inner);
          inner.set(
            cte.name.value,
            rename(
              r,
              cte.columns?.map((c) => c.value),
            ),
          );
        }
        return this.query(q.body, inner);
      }
      case 'OrderedQuery': {
        // A streaming ORDER BY … LIMIT is a Top-N over the whole result: the final table is the
        // rows at ranks OFFSET+1 … OFFSET+LIMIT, ties in input order (a stable sort).
        if (!q.limit) return fail('evaluator: ORDER BY without LIMIT');
        const r = this.query(q.query, ctes);
        const keys = q.orderBy.map((item) => {
          const e = item.expr;
          const index =
            e.kind === 'NumericLiteral'
              ? Number(e.text) - 1
              : r.columns.findIndex((c) => e.kind === 'ColumnRef' && c.name === e.parts.at(-1)!.value);
          const nullsFirst = item.nulls ? item.nulls === 'FIRST' : !item.descending;
          return { index, descending: item.descending, nullsFirst };
        });
        const rows = r.rows
          .map((row, i) => ({ row, i }))
          .sort((x, y) => {
            for (const k of keys) {
              const a = x.row[k.index];
              const b = y.row[k.index];
              if (a === null || b === null) {
                if (a === b) continue;
                return (a === null) === k.nullsFirst ? -1 : 1;
              }
              const c = compare(a, b);
              if (c !== 0) return k.descending ? -c : c;
            }
            return x.i - y.i;
          })
          .map((x) => x.row);
        const offset = q.offset ? Number((q.offset as A.NumericLiteral).text) : 0;
        return {
          columns: r.columns,
          rows: rows.slice(offset, offset + Number((q.limit as A.NumericLiteral).text)),
        };
      }
      default:
        return fail('evaluator: unknown query');
    }
  }

  private from(ref: A.TableRef, ctes: Ctes): Relation {
    switch (ref.kind) {
      case 'TableName': {
        const name = lastName(ref.name);
        const qualifier = ref.alias?.value ?? name;
        const r =
          ctes.get(name) ??
          (this.views.has(name)
            ? rename(this.query(this.views.get(name)!.query, new Map()), this.views.get(name)!.columns)
            : this.scan(name));
        return qualify(r, qualifier);
      }
      case 'SubqueryRef': {
        const r = rename(
          this.query(ref.query, ctes),
          ref.columns?.map((c) => c.value),
        );
        // Without an alias, the derived table's columns keep the qualifiers they were selected
        // with (`SELECT A.id …` stays `A.id`), as weir reads Nexmark q6 (docs/sql.md).
        return ref.alias ? qualify(r, ref.alias.value) : r;
      }
      case 'TableFunctionRef':
        return qualify(this.windowTvf(ref.call, ctes), ref.alias?.value);
      case 'JoinRef':
        return this.join(ref, ctes);
      default:
        return fail(`evaluator: ${(ref as A.TableRef).kind} is not modelled`);
    }
  }

  /**
   * A join by nested loops: every pair of rows whose condition is TRUE; an outer side's rows
   * without any match padded with NULLs (the other side's width); comma and CROSS joins keep
   * every pair (their WHERE clause filters above). `where` holds the conjuncts of the WHERE above
   * an inner, CROSS or comma join, checked on each pair here too, so that the product of two
   * inputs is never built only to be filtered (the same rows: WHERE keeps the pairs it is TRUE for).
   *
   * One equality conjunct `x = y` whose sides each read only one input narrows the pairs tried:
   * the right rows are indexed by their side's value (as GROUP BY compares values), and a left row
   * meets only the right rows of its own value; every pair tried still goes through the whole
   * condition.
   */
  private join(ref: A.JoinRef, ctes: Ctes, where?: PushedWhere): Relation {
    if (ref.right.kind === 'TableName' && ref.right.forSystemTime)
      return this.temporalJoin(ref, ref.right, ctes);
    if (ref.right.kind === 'UnnestRef') return this.unnest(ref, ref.right, ctes);
    const left = this.from(ref.left, ctes);
    const right = this.from(ref.right, ctes);
    const columns = [...left.columns, ...right.columns];
    const rows: Value[][] = [];
    const rightMatched = new Set<number>();
    const type = ref.type as string;
    const conditions = [...(ref.on ? conjunctsOf(ref.on) : []), ...(where?.conjuncts ?? [])];
    const holds = (row: Value[]) =>
      conditions.every(
        (c) => evaluate(c, { columns, row, outer: where?.outer, subquery: where?.subquery }) === true,
      );
    const candidates = equalityIndex(conditions, left, right);
    for (const l of left.rows) {
      let matched = false;
      for (const j of candidates(l)) {
        const r = right.rows[j];
        const row = [...l, ...r];
        if (!holds(row)) continue;
        matched = true;
        rightMatched.add(j);
        rows.push(row);
      }
      if (!matched && (type === 'LEFT' || type === 'FULL'))
        rows.push([...l, ...right.columns.map(() => null)]);
    }
    if (type === 'RIGHT' || type === 'FULL')
      right.rows.forEach((r, j) => {
        if (!rightMatched.has(j)) rows.push([...left.columns.map(() => null), ...r]);
      });
    return { columns, rows };
  }

  /**
   * `l CROSS JOIN UNNEST(l.c) AS u(x)` / `l LEFT JOIN UNNEST(l.c) AS u(x) ON TRUE`: each left row
   * with each element's columns (a MAP entry's key and value, a ROW's fields); LEFT keeps a row
   * without elements, padded.
   */
  private unnest(ref: A.JoinRef, unnest: A.UnnestRef, ctes: Ctes): Relation {
    const left = this.from(ref.left, ctes);
    const rows: Value[][] = [];
    let width = unnest.columns?.length ?? 1;
    for (const l of left.rows) {
      const c = evaluate(unnest.args[0], { columns: left.columns, row: l });
      const items = c instanceof CollectionValue ? c.items : [];
      for (const item of items) {
        width = item.length;
        rows.push([...l, ...item]);
      }
      if (items.length === 0 && ref.type === 'LEFT') rows.push([...l, ...new Array<Value>(width).fill(null)]);
    }
    const names = unnest.columns?.map((c) => c.value) ?? new Array(width).fill(0).map((_, i) => `EXPR$${i}`);
    const columns = [...left.columns, ...names.map((name) => ({ name, qualifier: unnest.alias?.value }))];
    const joined = { columns, rows };
    if (ref.on && !(ref.on.kind === 'BooleanLiteral' && ref.on.value === true))
      return {
        columns,
        rows: rows.filter((row) => evaluate(ref.on!, { columns: joined.columns, row }) === true),
      };
    return joined;
  }

  /**
   * `l JOIN v FOR SYSTEM_TIME AS OF l.t ON …` over a versioned filesystem table v (PRIMARY KEY and
   * WATERMARK): each left row meets, per primary key, the version with the largest rowtime not
   * after its time (of equal ones the last in the file); the ON condition then picks among them.
   * A LEFT join pads a row that meets none.
   */
  private temporalJoin(ref: A.JoinRef, versioned: A.TableName, ctes: Ctes): Relation {
    const left = this.from(ref.left, ctes);
    const right = this.from({ ...versioned, forSystemTime: undefined }, ctes);
    const table = this.tables.get(lastName(versioned.name));
    if (isProcTimeOf(versioned.forSystemTime!, left)) return lookupJoin(ref, left, right);
    if (!table?.primaryKey || !table.watermark)
      return fail('evaluator: a temporal join needs a filesystem table with a PRIMARY KEY and a WATERMARK');
    const index = (name: string) => right.columns.findIndex((c) => c.name === name);
    const key = table.primaryKey.map(index);
    const time = index(table.watermark.column.value);
    const millis = (v: Value) => (v instanceof TimestampValue ? v.millis : Number.NaN);
    const columns = [...left.columns, ...right.columns];
    const rows: Value[][] = [];
    for (const l of left.rows) {
      const t = millis(evaluate(versioned.forSystemTime!, { columns: left.columns, row: l }));
      const valid = new Map<string, Value[]>();
      for (const r of right.rows) {
        const rt = millis(r[time]);
        if (!(rt <= t)) continue;
        const k = JSON.stringify(key.map((i) => String(r[i])));
        const current = valid.get(k);
        if (!current || millis(current[time]) <= rt) valid.set(k, r);
      }
      let matched = false;
      for (const r of valid.values()) {
        const row = [...l, ...r];
        if (ref.on && evaluate(ref.on, { columns, row }) !== true) continue;
        matched = true;
        rows.push(row);
      }
      if (!matched && ref.type === 'LEFT') rows.push([...l, ...right.columns.map(() => null)]);
    }
    return { columns, rows };
  }

  /**
   * TUMBLE, HOP, CUMULATE: each row once per window it is in, with window_start, window_end and
   * window_time (end - 1 ms) appended. A window that had already fired when its row arrived (its
   * end - 1 at or below the row's arrival watermark) is marked, for a window aggregation to drop.
   */
  private windowTvf(call: A.FunctionCall, ctes: Ctes): Relation {
    const fn = call.name.value.toUpperCase();
    const named = new Map<string, A.Expr>();
    call.args.forEach((a, i) => {
      const name = call.argNames?.[i]?.value.toUpperCase();
      const positional = [
        'DATA',
        'TIMECOL',
        ...(fn === 'TUMBLE'
          ? ['SIZE', 'OFFSET']
          : fn === 'HOP'
            ? ['SLIDE', 'SIZE', 'OFFSET']
            : ['STEP', 'SIZE', 'OFFSET']),
      ];
      named.set(name ?? positional[i], a);
    });
    const data = named.get('DATA') as A.TableArg;
    const input = this.from({ kind: 'TableName', name: data.name, pos: data.pos }, ctes);
    const timecol = (named.get('TIMECOL') as A.FunctionCall).args[0] as A.ColumnRef;
    const timeIndex = input.columns.findIndex((c) => c.name === timecol.parts.at(-1)!.value);
    const ms = (key: string) =>
      named.has(key) ? (evaluate(named.get(key)!, { columns: [], row: [] }) as number) : 0;
    const windows = (t: number): [number, number][] => {
      const offset = ms('OFFSET');
      const floorTo = (x: number, size: number) => x - ((((x - offset) % size) + size) % size);
      if (fn === 'TUMBLE') {
        const start = floorTo(t, ms('SIZE'));
        return [[start, start + ms('SIZE')]];
      }
      if (fn === 'HOP') {
        const out: [number, number][] = [];
        for (let start = floorTo(t, ms('SLIDE')); start > t - ms('SIZE'); start -= ms('SLIDE'))
          out.push([start, start + ms('SIZE')]);
        return out;
      }
      const start = floorTo(t, ms('SIZE'));
      const out: [number, number][] = [];
      for (let end = start + ms('STEP'); end <= start + ms('SIZE'); end += ms('STEP'))
        if (end > t) out.push([start, end]);
      return out;
    };
    const rows: Value[][] = [];
    for (const row of input.rows) {
      const ts = row[timeIndex];
      if (!(ts instanceof TimestampValue)) continue;
      const watermark = ARRIVAL_WATERMARK.get(row) ?? Number.NEGATIVE_INFINITY;
      for (const [start, end] of windows(ts.millis)) {
        const out = [...row, new TimestampValue(start), new TimestampValue(end), new TimestampValue(end - 1)];
        if (end - 1 <= watermark) DROPPED_BY_WINDOW.add(out);
        // A processing-time window fires when the clock passes its end; the clock is frozen at
        // INPUTS.proctime, so a window not ended by then never fires (nothing is flushed at the end).
        if (ts instanceof ProcTimeValue && end > (INPUTS.proctime ?? Number.POSITIVE_INFINITY))
          DROPPED_BY_WINDOW.add(out);
        rows.push(out);
      }
    }
    return {
      columns: [...input.columns, { name: 'window_start' }, { name: 'window_end' }, { name: 'window_time' }],
      rows,
    };
  }

  /**
   * A table's rows: given in INPUTS.tables (in arrival order), or for a filesystem table every file
   * under 'path' (also the legacy 'connector.type' / 'connector.path' / 'format.type' options),
   * parsed with the evaluator's own readers.
   */
  private physicalRows(name: string, table: TableDef): Value[][] {
    const given = INPUTS.tables?.[name];
    if (given) return given.map((row) => table.columns.map((c, i) => fromRuntimeValue(row[i], c.type)));
    const connector = table.options.connector ?? table.options['connector.type'];
    if (connector !== 'filesystem') fail(`evaluator: connector '${connector}'`);
    const path = (table.options.path ?? table.options['connector.path']).replace(/^file:\/\//, '');
    const format = table.options.format ?? table.options['format.type'];
    const isKey = (c: { name: string }) => table.partitionKeys.includes(c.name);
    const inFile = { ...table, columns: table.columns.filter((c) => !isKey(c)) };
    return listFiles(path).flatMap((file) => {
      // `key=value` directories, the value escaped as Flink's PartitionPathUtils does (%XX).
      const partition = new Map(
        relative(path, file)
          .split(sep)
          .slice(0, -1)
          .flatMap((d) =>
            d.includes('=') ? [[d.split('=')[0], decodeURIComponent(d.slice(d.indexOf('=') + 1))]] : [],
          ),
      );
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const values = parseLine(line, inFile, format);
          let next = 0;
          return table.columns.map((c) =>
            isKey(c) ? fromText(partition.get(c.name) ?? null, c.type) : values[next++],
          );
        });
    });
  }

  private scan(name: string): Relation {
    const table = this.tables.get(name) ?? fail(`no table or view '${name}'`);
    const rows: Value[][] = [];
    const columns = [...table.columns, ...table.computed].map((c) => ({ name: c.name }));
    // The watermark each row meets when it arrives: the largest watermark expression over the
    // rows before it (in file order: event-time cases keep their rows in one file), as weir's
    // watermark assigner emits it after every row when 'pipeline.auto-watermark-interval' is 0.
    // Rows given in INPUTS come from several source splits, each in ascending time, so none is
    // late and none is marked.
    const lateness = table.watermark && !INPUTS.tables?.[name];
    let watermark = Number.NEGATIVE_INFINITY;
    const physicalColumns = table.columns.map((x) => ({ name: x.name }));
    for (const physical of this.physicalRows(name, table)) {
      // PROCTIME() is the arrival order: a row's processing time is its position in the input.
      const row = [
        ...physical,
        ...table.computed.map((c) =>
          isProctime(c.expr)
            ? new TimestampValue(rows.length)
            : evaluate(c.expr, { columns: physicalColumns, row: physical }),
        ),
      ];
      rows.push(row);
      if (lateness && table.watermark) {
        ARRIVAL_WATERMARK.set(row, watermark);
        const wm = evaluate(table.watermark.expr, { columns, row });
        if (wm instanceof TimestampValue) watermark = Math.max(watermark, wm.millis);
      }
    }
    return { columns, rows };
  }

  private select(s: A.Select, ctes: Ctes, outer?: Env): Relation {
    // WHERE may hold IN / EXISTS subqueries, evaluated per row (nested loops), correlated with it.
    const subquery = (q: A.Query, env: Env) => this.query(q, ctes, env);
    const innerJoin =
      s.from?.kind === 'JoinRef' && ['INNER', 'CROSS', 'COMMA'].includes(s.from.type) ? s.from : undefined;
    const input = innerJoin
      ? this.join(innerJoin, ctes, {
          conjuncts: s.where ? whereBeforeWindow(s, s.where) : [],
          outer,
          subquery,
        })
      : s.from
        ? this.from(s.from, ctes)
        : { columns: [], rows: [[]] };
    let rows = input.rows;
    // A WHERE conjunct naming the alias of an OVER call of this SELECT filters the SELECT's rows
    // (as QUALIFY does; weir's reading of Nexmark q6, docs/sql.md); the others filter its input.
    const overAliases = overAliasesOf(s);
    const conjuncts = s.where ? conjunctsOf(s.where) : [];
    const namesAlias = (e: A.Expr) =>
      (refsOf(e) ?? []).some(
        (r) =>
          r.parts.length === 1 &&
          overAliases.has(r.parts[0].value) &&
          !input.columns.some((c) => c.name === r.parts[0].value),
      );
    const qualifyConjuncts = conjuncts.filter(namesAlias);
    const where = conjuncts.filter((c) => !namesAlias(c));
    if (where.length > 0)
      rows = rows.filter((row) =>
        where.every((c) => evaluate(c, { columns: input.columns, row, outer, subquery }) === true),
      );
    const aggregated =
      s.groupBy.length > 0 ||
      s.having !== undefined ||
      s.items.some((i) => i.kind === 'SelectExpr' && hasAggregate(i.expr));
    // Output columns keep the qualifier a column was selected with (for a derived table without
    // an alias, see from()).
    const names: Column[] = [];
    for (const [i, item] of s.items.entries()) {
      if (item.kind === 'SelectStar') {
        const q = item.qualifier?.map((p) => p.value).join('.');
        for (const c of input.columns) if (!q || c.qualifier === q) names.push(c);
      } else if (item.alias) names.push({ name: item.alias.value });
      else if (item.expr.kind === 'ColumnRef') {
        const parts = item.expr.parts.map((p) => p.value);
        const qualifier =
          parts.length === 2 && input.columns.some((c) => c.qualifier === parts[0]) ? parts[0] : undefined;
        names.push({ name: parts.at(-1)!, qualifier });
      } else names.push({ name: `EXPR$${i}` });
    }
    const overCalls = s.items.flatMap((i) => (i.kind === 'SelectExpr' ? findOverCalls(i.expr) : []));
    if (!aggregated && isWindowTopN(s, overCalls)) rows = rows.filter((r) => !DROPPED_BY_WINDOW.has(r));
    const overValues = new Map<readonly Value[], Map<A.Expr, Value>>();
    for (const call of overCalls) {
      const values = evaluateOver(call, input.columns, rows, s.windows ?? []);
      rows.forEach((row, i) => {
        if (!overValues.has(row)) overValues.set(row, new Map());
        overValues.get(row)!.set(call, values[i]);
      });
    }
    const project = (env: Env): Value[] =>
      s.items.flatMap((item) => {
        if (item.kind === 'SelectExpr') return [evaluate(item.expr, env)];
        const q = item.qualifier?.map((p) => p.value).join('.');
        return input.columns.flatMap((c, i) => (!q || c.qualifier === q ? [env.row[i]] : []));
      });
    let out: Value[][];
    if (aggregated) {
      rows = dropLateRows(s, rows, input.columns);
      assignSessions(s, rows, input.columns);
      const groups = new Map<string, Value[][]>();
      for (const row of rows) {
        const key = s.groupBy.map((g) => keyOf(evaluate(g, { columns: input.columns, row }))).join('\u0000');
        append(groups, key, row);
      }
      // A streaming aggregate without GROUP BY emits nothing until a row arrives (Flink differs
      // from batch here: no `COUNT(*) = 0` row over an empty input).
      out = [];
      for (const group of groups.values()) {
        const env: Env = { columns: input.columns, row: group[0], group };
        if (s.having && evaluate(s.having, env) !== true) continue;
        out.push(project(env));
      }
    } else {
      out = rows.map((row) => {
        const projected = project({
          columns: input.columns,
          row,
          over: overValues.get(row),
          outer,
          subquery,
        });
        const watermark = ARRIVAL_WATERMARK.get(row);
        if (watermark !== undefined) ARRIVAL_WATERMARK.set(projected, watermark);
        return projected;
      });
    }
    if (qualifyConjuncts.length > 0)
      out = out.filter((row) =>
        qualifyConjuncts.every((c) => evaluate(c, { columns: names, row, outer, subquery }) === true),
      );
    if (s.distinct) out = distinctRows(out);
    return { columns: names, rows: out };
  }
}

/** Adds a value to a key's list (in place: groups grow one row at a time). */
function append<T>(lists: Map<string, T[]>, key: string, value: T): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}

/** Rows mapped to the watermark they met on arrival (rows of tables with a WATERMARK). */
const ARRIVAL_WATERMARK = new WeakMap<readonly Value[], number>();
/**
 * Window TVF rows a window operator drops: their window had fired before the row arrived, or is a
 * processing-time window that never fires.
 */
const DROPPED_BY_WINDOW = new WeakSet<readonly Value[]>();

const LEGACY_WINDOWS = new Set(['TUMBLE']);

/**
 * Late rows, as a streaming window aggregation drops them: GROUP BY window_start, window_end
 * directly over a window TVF drops a row's copy for each window that had fired when it arrived;
 * a legacy GROUP BY TUMBLE/HOP(ts, …) drops a row whose windows had all fired. Any other
 * aggregation drops nothing.
 */
function dropLateRows(s: A.Select, rows: readonly Value[][], columns: readonly Column[]): Value[][] {
  const names = s.groupBy.flatMap((g) => (g.kind === 'ColumnRef' ? [g.parts.at(-1)!.value] : []));
  if (s.from?.kind === 'TableFunctionRef' && names.includes('window_start') && names.includes('window_end'))
    return rows.filter((r) => !DROPPED_BY_WINDOW.has(r));
  const legacy = s.groupBy.find(
    (g): g is A.FunctionCall => g.kind === 'FunctionCall' && LEGACY_WINDOWS.has(g.name.value.toUpperCase()),
  );
  if (!legacy) return [...rows];
  return rows.filter((row) => {
    const watermark = ARRIVAL_WATERMARK.get(row) ?? Number.NEGATIVE_INFINITY;
    return legacyWindows(legacy, { columns, row }).some(([, end]) => end - 1 > watermark);
  });
}

/**
 * A window Top-N (Flink's WindowRank / WindowDeduplicate): ROW_NUMBER partitioned by window_start
 * and window_end directly over a window TVF. Like a window aggregation it drops a row's copy for
 * each window that had fired when it arrived.
 */
function isWindowTopN(s: A.Select, overCalls: readonly A.OverCall[]): boolean {
  if (s.from?.kind !== 'TableFunctionRef') return false;
  return overCalls.some((call) => {
    const spec = call.windowName
      ? s.windows?.find((w) => w.name.value === call.windowName!.value)?.spec
      : call.window;
    const names = (spec?.partitionBy ?? []).flatMap((p) =>
      p.kind === 'ColumnRef' ? [p.parts.at(-1)!.value] : [],
    );
    return names.includes('window_start') && names.includes('window_end');
  });
}

/** The windows of a legacy TUMBLE(ts, size) or HOP(ts, slide, size) group window for one row. */
function legacyWindows(call: A.FunctionCall, env: Env): [number, number][] {
  const ts = (evaluate(call.args[0], env) as TimestampValue).millis;
  const interval = (i: number) => evaluate(call.args[i], env) as number;
  const floorTo = (x: number, size: number) => x - (((x % size) + size) % size);
  if (call.name.value.toUpperCase().startsWith('TUMBLE')) {
    const start = floorTo(ts, interval(1));
    return [[start, start + interval(1)]];
  }
  const out: [number, number][] = [];
  for (let start = floorTo(ts, interval(1)); start > ts - interval(2); start -= interval(1))
    out.push([start, start + interval(2)]);
  return out;
}

/** Whether `FOR SYSTEM_TIME AS OF e` reads a processing time (PROCTIME()) of the left side. */
function isProcTimeOf(e: A.Expr, left: Relation): boolean {
  return (
    left.rows.length > 0 && evaluate(e, { columns: left.columns, row: left.rows[0] }) instanceof ProcTimeValue
  );
}

/**
 * A processing-time temporal join (a lookup join): each left row meets the looked-up table as it
 * is when the row arrives — a file that does not change, so all of it — and the ON condition
 * picks the rows (tried through an equality's index, as in join()); a LEFT join pads a row that
 * meets none.
 */
function lookupJoin(ref: A.JoinRef, left: Relation, right: Relation): Relation {
  const columns = [...left.columns, ...right.columns];
  const rows: Value[][] = [];
  const candidates = equalityIndex(ref.on ? conjunctsOf(ref.on) : [], left, right);
  for (const l of left.rows) {
    let matched = false;
    for (const j of candidates(l)) {
      const row = [...l, ...right.rows[j]];
      if (ref.on && evaluate(ref.on, { columns, row }) !== true) continue;
      matched = true;
      rows.push(row);
    }
    if (!matched && ref.type === 'LEFT') rows.push([...l, ...right.columns.map(() => null)]);
  }
  return { columns, rows };
}

/** The aliases of a SELECT's OVER calls. */
function overAliasesOf(s: A.Select): Set<string> {
  return new Set(
    s.items.flatMap((i) =>
      i.kind === 'SelectExpr' && i.alias && findOverCalls(i.expr).length > 0 ? [i.alias.value] : [],
    ),
  );
}

/**
 * The WHERE conjuncts an inner join may check in its loop: plain expressions (no subquery) that
 * name no OVER alias of the SELECT. WHERE still filters the join's rows afterwards.
 */
function whereBeforeWindow(s: A.Select, where: A.Expr): A.Expr[] {
  const aliases = overAliasesOf(s);
  return conjunctsOf(where).filter((c) => {
    const refs = refsOf(c);
    return refs !== undefined && !refs.some((r) => r.parts.length === 1 && aliases.has(r.parts[0].value));
  });
}

/** WHERE conjuncts checked in an inner join's loop, with what a correlated subquery needs. */
interface PushedWhere {
  readonly conjuncts: readonly A.Expr[];
  readonly outer?: Env;
  readonly subquery?: (q: A.Query, outer: Env) => Relation;
}

/**
 * For a join's conjuncts, the right rows worth trying for a left row: with an equality `x = y`
 * where x reads only the left input and y only the right one, the right rows whose y has x's
 * value (only those can make the conjunct, and so the condition, TRUE); otherwise all of them.
 */
function equalityIndex(
  conditions: readonly A.Expr[],
  left: Relation,
  right: Relation,
): (l: readonly Value[]) => readonly number[] {
  const all = right.rows.map((_, j) => j);
  const reads = (e: A.Expr, side: Relation, other: Relation) => {
    const refs = refsOf(e);
    return (
      refs !== undefined &&
      refs.length > 0 &&
      refs.every(
        (r) =>
          hasColumn({ columns: side.columns, row: [] }, r) &&
          !hasColumn({ columns: other.columns, row: [] }, r),
      )
    );
  };
  for (const c of conditions) {
    if (c.kind !== 'BinaryExpr' || c.op !== '=') continue;
    const [x, y] =
      reads(c.left, left, right) && reads(c.right, right, left)
        ? [c.left, c.right]
        : reads(c.right, left, right) && reads(c.left, right, left)
          ? [c.right, c.left]
          : [undefined, undefined];
    if (!x || !y) continue;
    const index = new Map<string, number[]>();
    right.rows.forEach((row, j) => {
      const v = evaluate(y, { columns: right.columns, row });
      if (v === null) return;
      const key = keyOf(v);
      append(index, key, j);
    });
    return (l) => {
      const v = evaluate(x, { columns: left.columns, row: l });
      return v === null ? [] : (index.get(keyOf(v)) ?? []);
    };
  }
  return () => all;
}

/** Every column reference of an expression, or undefined if it holds a kind not walked here. */
function refsOf(e: A.Expr | undefined): A.ColumnRef[] | undefined {
  if (!e) return [];
  const all = (es: readonly (A.Expr | undefined)[]) => {
    const out: A.ColumnRef[] = [];
    for (const x of es) {
      const r = refsOf(x);
      if (!r) return undefined;
      out.push(...r);
    }
    return out;
  };
  switch (e.kind) {
    case 'ColumnRef':
      return [e];
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'BooleanLiteral':
    case 'NullLiteral':
    case 'IntervalLiteral':
    case 'TypedLiteral':
      return [];
    case 'BinaryExpr':
      return all([e.left, e.right]);
    case 'UnaryExpr':
    case 'IsExpr':
    case 'CastExpr':
      return all([e.operand]);
    case 'BetweenExpr':
      return all([e.operand, e.low, e.high]);
    case 'InExpr':
      return all([e.operand, ...e.items]);
    case 'LikeExpr':
      return all([e.operand, e.pattern, e.escape]);
    case 'CaseExpr':
      return all([e.operand, ...e.whens.flatMap((w) => [w.when, w.result]), e.else]);
    case 'FunctionCall':
      return AGGREGATES.has(e.name.value.toUpperCase()) || e.filter ? undefined : all(e.args);
    default:
      return undefined;
  }
}

/** The conjuncts of a WHERE: `a AND (b AND c)` is [a, b, c]. */
function conjunctsOf(e: A.Expr): A.Expr[] {
  return e.kind === 'BinaryExpr' && e.op === 'AND' ? [...conjunctsOf(e.left), ...conjunctsOf(e.right)] : [e];
}

/** The session window [start, end) of each row of a legacy GROUP BY SESSION(ts, gap) aggregation. */
const SESSION_OF = new WeakMap<readonly Value[], [number, number]>();

/**
 * Legacy session windows: per value of the other GROUP BY keys, each row's window is [ts, ts + gap),
 * and windows that intersect merge, as Flink's TimeWindow.intersects reads it (bounds included:
 * rows exactly `gap` apart share a session). Records each row's merged session in SESSION_OF.
 */
function assignSessions(s: A.Select, rows: readonly Value[][], columns: readonly Column[]): void {
  const isSession = (g: A.Expr): g is A.FunctionCall =>
    g.kind === 'FunctionCall' && g.name.value.toUpperCase() === 'SESSION';
  const call = s.groupBy.find(isSession);
  if (!call) return;
  const keys = s.groupBy.filter((g) => !isSession(g));
  const partitions = new Map<string, { row: Value[]; ts: number }[]>();
  for (const row of rows) {
    const env = { columns, row };
    const key = keys.map((k) => keyOf(evaluate(k, env))).join('\u0000');
    const ts = (evaluate(call.args[0], env) as TimestampValue).millis;
    append(partitions, key, { row, ts });
  }
  const gap = evaluate(call.args[1], { columns: [], row: [] }) as number;
  for (const members of partitions.values()) {
    members.sort((a, b) => a.ts - b.ts);
    let session: { start: number; end: number; rows: Value[][] } | undefined;
    const close = () => {
      for (const r of session?.rows ?? []) SESSION_OF.set(r, [session!.start, session!.end]);
    };
    for (const { row, ts } of members) {
      if (session && ts <= session.end) {
        session.end = Math.max(session.end, ts + gap);
        session.rows.push(row);
      } else {
        close();
        session = { start: ts, end: ts + gap, rows: [row] };
      }
    }
    close();
  }
}

const isProctime = (e: A.Expr) => e.kind === 'FunctionCall' && e.name.value.toUpperCase() === 'PROCTIME';

function findOverCalls(e: A.Expr): A.OverCall[] {
  if (e.kind === 'OverCall') return [e];
  if (e.kind === 'BinaryExpr') return [...findOverCalls(e.left), ...findOverCalls(e.right)];
  if (e.kind === 'CastExpr') return findOverCalls(e.operand);
  return [];
}

/**
 * An OVER call's value for each row: rows are partitioned, ordered (stably, so ties keep their
 * arrival order, as Flink's Top-N and OVER operators see them), and the call computed over each
 * row's frame: ROW_NUMBER its position; an aggregate over ROWS n PRECEDING, RANGE interval
 * PRECEDING, or by default RANGE UNBOUNDED PRECEDING (all rows up to the row and its peers).
 */
function evaluateOver(
  call: A.OverCall,
  columns: readonly Column[],
  rows: readonly Value[][],
  named: readonly A.NamedWindow[],
): Value[] {
  const spec = call.windowName
    ? named.find((w) => w.name.value === call.windowName!.value)!.spec
    : call.window;
  const env = (row: readonly Value[]): Env => ({ columns, row });
  const partitions = new Map<string, number[]>();
  rows.forEach((row, i) => {
    const key = spec.partitionBy.map((p) => keyOf(evaluate(p, env(row)))).join('\u0000');
    append(partitions, key, i);
  });
  const orderValue = (i: number) => spec.orderBy.map((o) => evaluate(o.expr, env(rows[i])));
  const cmpRows = (a: number, b: number) => {
    const x = orderValue(a);
    const y = orderValue(b);
    for (const [k, o] of spec.orderBy.entries()) {
      const nullsFirst = o.nulls ? o.nulls === 'FIRST' : !o.descending;
      if (x[k] === null || y[k] === null) {
        if (x[k] === y[k]) continue;
        return (x[k] === null) === nullsFirst ? -1 : 1;
      }
      const c = compare(x[k], y[k]);
      if (c !== 0) return o.descending ? -c : c;
    }
    return 0;
  };
  const fn = call.call.name.value.toUpperCase();
  const out: Value[] = rows.map(() => null);
  for (const members of partitions.values()) {
    const ordered = [...members].sort((a, b) => cmpRows(a, b) || a - b);
    ordered.forEach((rowIndex, pos) => {
      if (fn === 'ROW_NUMBER') {
        out[rowIndex] = BigInt(pos + 1);
        return;
      }
      const frame = spec.frame;
      let inFrame: number[];
      if (frame?.unit === 'ROWS') {
        const n = frame.start.kind === 'PRECEDING' ? Number(evaluate(frame.start.offset!, env([]))) : pos;
        inFrame = ordered.slice(Math.max(0, pos - n), pos + 1);
      } else if (frame?.start.kind === 'PRECEDING') {
        const width = evaluate(frame.start.offset!, env([])) as number;
        const t = (orderValue(rowIndex)[0] as TimestampValue).millis;
        inFrame = ordered.filter((j) => {
          const u = (orderValue(j)[0] as TimestampValue).millis;
          return u <= t && u >= t - width;
        });
      } else {
        inFrame = ordered.filter((j, p) => p <= pos || cmpRows(j, rowIndex) === 0);
      }
      out[rowIndex] = aggregate(call.call, {
        columns,
        row: rows[rowIndex],
        group: inFrame.map((j) => rows[j]),
      });
    });
  }
  return out;
}

function values(q: A.Values): Relation {
  const rows = unifyColumns(q.rows.map((row) => row.map((e) => evaluate(e, { columns: [], row: [] }))));
  return { columns: q.rows[0].map((_, i) => ({ name: `EXPR$${i}` })), rows };
}

/**
 * A column mixing exact integers, decimals and doubles holds one type (the least restrictive):
 * integers become decimals next to decimals, everything a double next to a double.
 */
function unifyColumns(rows: Value[][]): Value[][] {
  if (rows.length === 0) return rows;
  const width = rows[0].length;
  const kinds = Array.from({ length: width }, (_, c) => new Set(rows.map((r) => numericKind(r[c]))));
  return rows.map((row) =>
    row.map((v, c) => {
      if (kinds[c].has('double') && (typeof v === 'bigint' || v instanceof Dec)) return toDouble(v);
      if (kinds[c].has('dec') && typeof v === 'bigint') return Dec.ofInteger(v);
      return v;
    }),
  );
}

const numericKind = (v: Value) =>
  typeof v === 'bigint' ? 'int' : v instanceof Dec ? 'dec' : typeof v === 'number' ? 'double' : 'other';

function rename(r: Relation, names: readonly string[] | undefined): Relation {
  if (!names) return r;
  if (names.length !== r.columns.length) fail('column alias list of another width');
  return { columns: names.map((name) => ({ name })), rows: r.rows };
}

function qualify(r: Relation, qualifier: string | undefined): Relation {
  return { columns: r.columns.map((c) => ({ name: c.name, qualifier })), rows: r.rows };
}

function distinctRows(rows: readonly Value[][]): Value[][] {
  const seen = new Map<string, Value[]>();
  for (const row of rows) {
    const key = row.map(keyOf).join('\u0000');
    if (!seen.has(key)) seen.set(key, row);
  }
  return [...seen.values()];
}

/** Equal values (as GROUP BY and DISTINCT see them, NULLs equal to each other) have equal keys. */
export function keyOf(v: Value): string {
  if (v === null) return 'null';
  if (v instanceof Dec) return `n:${v.normalizedText()}`;
  if (typeof v === 'bigint' || typeof v === 'number') return `n:${v}`;
  if (v instanceof DateValue) return `d:${v.days}`;
  if (v instanceof TimeValue) return `t:${v.millis}`;
  if (v instanceof TimestampValue) return `ts:${v.millis}`;
  return `${typeof v}:${v}`;
}

function listFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => !f.startsWith('.') && !f.startsWith('_'))
    .sort()
    .flatMap((f) => listFiles(join(path, f)));
}

/** One line of a csv or json file as the table's row: an independent, minimal reader. */
function parseLine(line: string, table: TableDef, format: string): Value[] {
  if (format === 'json') {
    const obj = JSON.parse(line) as Record<string, unknown>;
    return table.columns.map((c) => fromJson(obj[c.name], c.type));
  }
  if (format === 'csv') {
    const fields = splitCsv(line);
    // An empty field is NULL, except in a string column (Flink's csv format).
    const isString = (t: LogicalType) => t.root === 'VARCHAR' || t.root === 'CHAR';
    return table.columns.map((c, i) =>
      fromText(fields[i] === '' && !isString(c.type) ? null : (fields[i] ?? null), c.type),
    );
  }
  if (format === 'raw') return [line];
  return fail(`evaluator: format ${format}`);
}

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A JSON value as the evaluator's value of `type`; collections keep their elements' values. */
function fromJson(v: unknown, type: LogicalType): Value {
  if (v === undefined || v === null) return null;
  const row = (x: unknown, t: LogicalType): Value[] =>
    t.root === 'ROW'
      ? x === null || x === undefined
        ? (t.fields ?? []).map(() => null)
        : (t.fields ?? []).map((f) => fromJson((x as Record<string, unknown>)[f.name], f.type))
      : [fromJson(x, t)];
  if (type.root === 'ARRAY' || type.root === 'MULTISET')
    return new CollectionValue((v as unknown[]).map((e) => row(e, type.element!)));
  if (type.root === 'MAP')
    return new CollectionValue(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [
        fromJson(k, type.key!),
        fromJson(x, type.value!),
      ]),
    );
  return fromText(String(v), type);
}

/** A value in the runtime's representation (as a source emits it) as the evaluator's value of `type`. */
function fromRuntimeValue(v: unknown, type: LogicalType): Value {
  if (v === null || v === undefined) return null;
  switch (type.root) {
    case 'TINYINT':
    case 'SMALLINT':
    case 'INT':
    case 'BIGINT':
      return BigInt(v as number);
    case 'DOUBLE':
    case 'FLOAT':
    case 'VARCHAR':
    case 'CHAR':
    case 'BOOLEAN':
      return v as Value;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return new TimestampValue(v as number);
    case 'ROW': {
      const fields = type.fields ?? [];
      return new RowValue(
        fields.map((f) => f.name),
        fields.map((f, i) => fromRuntimeValue((v as unknown[])[i], f.type)),
      );
    }
    default:
      return fail(`evaluator: a given ${type.root} value is not modelled`);
  }
}

function fromText(text: string | null, type: LogicalType): Value {
  if (text === null) return null;
  return castValue(text, type, false);
}

// -----------------------------------------------------------------------------------------------
// Expressions

/**
 * The readings of a name: `q.c.f…` is column c of q (then fields f…), and if that finds nothing,
 * `c.f…` is column c (then fields of its ROW value): `bid.auction` in Nexmark's views.
 */
function readings(ref: A.ColumnRef): { qualifier?: string; name: string; fields: string[] }[] {
  const parts = ref.parts.map((p) => p.value);
  if (parts.length === 1) return [{ name: parts[0], fields: [] }];
  return [
    { qualifier: parts[0], name: parts[1], fields: parts.slice(2) },
    { name: parts[0], fields: parts.slice(1) },
  ];
}

function matching(env: Env, r: { qualifier?: string; name: string }): number[] {
  return env.columns.flatMap((c, i) =>
    c.name === r.name && (r.qualifier === undefined || c.qualifier === r.qualifier) ? [i] : [],
  );
}

function hasColumn(env: Env, ref: A.ColumnRef): boolean {
  return readings(ref).some((r) => matching(env, r).length > 0);
}

/** Where a name is among a relation's columns: its index and the ROW fields read after it. */
function locate(columns: readonly Column[], ref: A.ColumnRef): { index: number; fields: string[] } {
  for (const r of readings(ref)) {
    const matches = matching({ columns, row: [] }, r);
    if (matches.length === 0) continue;
    if (matches.length > 1)
      fail(`column ${ref.parts.map((p) => p.value).join('.')}: ${matches.length} matches`);
    return { index: matches[0], fields: r.fields };
  }
  return fail(`column ${ref.parts.map((p) => p.value).join('.')}: 0 matches`);
}

/** locate() remembered per relation's columns (which never change) and name, for speed only. */
const LOCATED = new WeakMap<readonly Column[], Map<A.ColumnRef, { index: number; fields: string[] }>>();

function columnValue(env: Env, ref: A.ColumnRef): Value {
  let known = LOCATED.get(env.columns);
  if (!known) LOCATED.set(env.columns, (known = new Map()));
  let at = known.get(ref);
  if (!at) known.set(ref, (at = locate(env.columns, ref)));
  let v = env.row[at.index];
  for (const f of at.fields)
    v =
      v === null
        ? null
        : v instanceof RowValue
          ? v.field(f)
          : fail(`${ref.parts[0].value} is not a ROW (.${f})`);
  return v;
}

export function evaluate(e: A.Expr, env: Env): Value {
  switch (e.kind) {
    case 'ColumnRef':
      // A correlated subquery: a name its own FROM lacks is the enclosing query's.
      if (env.outer && !hasColumn(env, e)) return evaluate(e, env.outer);
      return columnValue(env, e);
    case 'ExistsExpr':
      return (env.subquery ?? fail('evaluator: EXISTS outside WHERE'))(e.query, env).rows.length > 0;
    case 'InSubqueryExpr': {
      // SQL's three-valued IN: FALSE (NOT IN: TRUE) over no rows; else NULL for a NULL operand,
      // TRUE on an equal value, NULL if the subquery holds a NULL, FALSE otherwise.
      const rel = (env.subquery ?? fail('evaluator: IN subquery outside WHERE'))(e.query, env);
      if (rel.rows.length === 0) return e.negated;
      const v = evaluate(e.operand, env);
      if (v === null) return null;
      let sawNull = false;
      for (const [x] of rel.rows) {
        if (x === null) sawNull = true;
        else if (compare(v, x) === 0) return !e.negated;
      }
      return sawNull ? null : e.negated;
    }
    case 'ScalarSubquery': {
      // NULL without a row; more than one row is an error (Calcite's SINGLE_VALUE).
      const rel = (env.subquery ?? fail('evaluator: scalar subquery outside WHERE and SELECT'))(e.query, env);
      if (rel.rows.length > 1) fail('evaluator: a scalar subquery returned more than one row');
      return rel.rows.length === 0 ? null : rel.rows[0][0];
    }
    case 'NumericLiteral':
      return numericLiteral(e.text);
    case 'StringLiteral':
      return e.value;
    case 'BooleanLiteral':
      return e.value;
    case 'NullLiteral':
      return null;
    case 'TypedLiteral':
      return e.type === 'DATE'
        ? parseDate(e.value)
        : e.type === 'TIME'
          ? new TimeValue(parseTimeOfDay(e.value))
          : parseTimestamp(e.value);
    case 'IntervalLiteral':
      return intervalMillis(e);
    case 'UnaryExpr': {
      const v = evaluate(e.operand, env);
      if (e.op === 'NOT') return v === null ? null : !v;
      if (e.op === '+') return v;
      return v === null ? null : negate(v);
    }
    case 'BinaryExpr':
      return binary(e, env);
    case 'IsExpr': {
      const v = evaluate(e.operand, env);
      const r =
        e.test === 'NULL'
          ? v === null
          : e.test === 'TRUE'
            ? v === true
            : e.test === 'FALSE'
              ? v === false
              : v === null;
      return e.negated ? !r : r;
    }
    case 'InExpr': {
      const v = evaluate(e.operand, env);
      if (v === null) return null;
      let sawNull = false;
      for (const item of e.items) {
        const x = evaluate(item, env);
        if (x === null) sawNull = true;
        else if (compare(v, x) === 0) return !e.negated;
      }
      return sawNull ? null : e.negated;
    }
    case 'BetweenExpr': {
      const v = evaluate(e.operand, env);
      const lo = evaluate(e.low, env);
      const hi = evaluate(e.high, env);
      const r = and(
        cmp(v, lo, (c) => c >= 0),
        cmp(v, hi, (c) => c <= 0),
      );
      return e.negated ? not(r) : r;
    }
    case 'LikeExpr': {
      const v = evaluate(e.operand, env);
      const p = evaluate(e.pattern, env);
      const esc = e.escape ? evaluate(e.escape, env) : undefined;
      if (v === null || p === null || esc === null) return null;
      const r = likeRegex(p as string, esc as string | undefined).test(v as string);
      return e.negated ? !r : r;
    }
    case 'CastExpr': {
      const v = evaluate(e.operand, env);
      if (v === null) return null;
      try {
        return castValue(v, e.type.type, true);
      } catch (err) {
        if (e.safe) return null;
        throw err;
      }
    }
    case 'CaseExpr': {
      const operand = e.operand ? evaluate(e.operand, env) : undefined;
      for (const w of e.whens) {
        const hit =
          operand === undefined
            ? evaluate(w.when, env) === true
            : (() => {
                const x = evaluate(w.when, env);
                return operand !== null && x !== null && compare(operand, x) === 0;
              })();
        if (hit) return evaluate(w.result, env);
      }
      return e.else ? evaluate(e.else, env) : null;
    }
    case 'FunctionCall':
      return AGGREGATES.has(e.name.value.toUpperCase()) ? aggregate(e, env) : scalarFunction(e, env);
    case 'OverCall':
      return env.over?.get(e) ?? fail('evaluator: OVER call outside a SELECT list');
    default:
      return fail(`evaluator: expression ${e.kind} is not modelled`);
  }
}

function numericLiteral(text: string): Value {
  if (/[eE]/.test(text)) return Number(text);
  if (text.includes('.')) return Dec.parse(text);
  return BigInt(text);
}

const not = (v: Value): Value => (v === null ? null : !v);

function and(a: Value, b: Value): Value {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function or(a: Value, b: Value): Value {
  if (a === true || b === true) return true;
  if (a === null || b === null) return null;
  return false;
}

function cmp(a: Value, b: Value, test: (c: number) => boolean): Value {
  if (a === null || b === null) return null;
  return test(compare(a, b));
}

/** Orders two non-NULL values of comparable types. */
export function compare(a: Value, b: Value): number {
  if (isNumeric(a) && isNumeric(b)) {
    if (typeof a === 'number' || typeof b === 'number') {
      const x = toDouble(a);
      const y = toDouble(b);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    return toDec(a).compare(toDec(b));
  }
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (a instanceof DateValue && b instanceof DateValue) return a.days - b.days;
  if (a instanceof TimeValue && b instanceof TimeValue) return a.millis - b.millis;
  if (a instanceof TimestampValue && b instanceof TimestampValue) return a.millis - b.millis;
  return fail(`evaluator: cannot compare ${String(a)} and ${String(b)}`);
}

const isNumeric = (v: Value): v is bigint | number | Dec =>
  typeof v === 'bigint' || typeof v === 'number' || v instanceof Dec;

export function toDouble(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Dec) return v.toNumber();
  return fail(`not a number: ${String(v)}`);
}

function toDec(v: Value): Dec {
  if (v instanceof Dec) return v;
  if (typeof v === 'bigint') return Dec.ofInteger(v);
  return fail(`not an exact number: ${String(v)}`);
}

function negate(v: Value): Value {
  if (typeof v === 'bigint') return -v;
  if (typeof v === 'number') return -v;
  if (v instanceof Dec) return new Dec(-v.unscaled, v.scale, v.precision);
  return fail('cannot negate');
}

function binary(e: A.BinaryExpr, env: Env): Value {
  if (e.op === 'AND') {
    const a = evaluate(e.left, env);
    if (a === false) return false;
    return and(a, evaluate(e.right, env));
  }
  if (e.op === 'OR') {
    const a = evaluate(e.left, env);
    if (a === true) return true;
    return or(a, evaluate(e.right, env));
  }
  const a = evaluate(e.left, env);
  const b = evaluate(e.right, env);
  switch (e.op) {
    case '=':
      return cmp(a, b, (c) => c === 0);
    case '<>':
      return cmp(a, b, (c) => c !== 0);
    case '<':
      return cmp(a, b, (c) => c < 0);
    case '<=':
      return cmp(a, b, (c) => c <= 0);
    case '>':
      return cmp(a, b, (c) => c > 0);
    case '>=':
      return cmp(a, b, (c) => c >= 0);
    case '||':
      return a === null || b === null ? null : String(a) + String(b);
    default:
      return a === null || b === null ? null : arithmetic(e.op, a, b);
  }
}

/** + - * / % with Flink's result types: integer stays integer, DECIMAL scales as Flink derives them. */
export function arithmetic(op: string, a: Value, b: Value): Value {
  if (a instanceof DateValue && typeof b === 'number' && (op === '+' || op === '-'))
    return new DateValue(a.days + (op === '+' ? 1 : -1) * Math.trunc(b / 86_400_000));
  if (a instanceof TimestampValue && typeof b === 'number' && (op === '+' || op === '-'))
    return new TimestampValue(a.millis + (op === '+' ? b : -b));
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toDouble(a);
    const y = toDouble(b);
    switch (op) {
      case '+':
        return x + y;
      case '-':
        return x - y;
      case '*':
        return x * y;
      case '/':
        return x / y;
      default:
        return x % y;
    }
  }
  if (typeof a === 'bigint' && typeof b === 'bigint') {
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      case '/':
        return b === 0n ? fail('division by zero') : a / b;
      default:
        return b === 0n ? fail('division by zero') : a % b;
    }
  }
  const x = typeof a === 'bigint' ? Dec.ofInteger(a, 10) : toDec(a);
  const y = typeof b === 'bigint' ? Dec.ofInteger(b, 10) : toDec(b);
  switch (op) {
    case '+':
    case '-': {
      const s = Math.max(x.scale, y.scale);
      const u =
        op === '+'
          ? x.withScale(s).unscaled + y.withScale(s).unscaled
          : x.withScale(s).unscaled - y.withScale(s).unscaled;
      return new Dec(u, s);
    }
    case '*': {
      const [, s] = adjustPrecisionScale(x.precision + y.precision, x.scale + y.scale);
      return new Dec(x.unscaled * y.unscaled, x.scale + y.scale).withScale(s);
    }
    case '/': {
      if (y.unscaled === 0n) fail('division by zero');
      // Flink: scale = max(6, s1 + p2 + 1), precision = p1 - s1 + s2 + scale, then adjusted.
      const scale0 = Math.max(6, x.scale + y.precision + 1);
      const [, scale] = adjustPrecisionScale(x.precision - x.scale + y.scale + scale0, scale0);
      // a/b at `scale`: (ua / 10^sa) / (ub / 10^sb) * 10^scale
      const num = x.unscaled * 10n ** BigInt(scale + y.scale);
      const den = y.unscaled * 10n ** BigInt(x.scale);
      return new Dec(divideHalfUp(num, den), scale);
    }
    default: {
      const s = Math.max(x.scale, y.scale);
      return new Dec(x.withScale(s).unscaled % y.withScale(s).unscaled, s);
    }
  }
}

function likeRegex(pattern: string, escapeChar: string | undefined): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (escapeChar !== undefined && ch === escapeChar) {
      re += (pattern[++i] ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    } else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

function intervalMillis(e: A.IntervalLiteral): number {
  const n = Number(e.value);
  const unit: Record<A.TimeUnit, number> = {
    YEAR: Number.NaN,
    MONTH: Number.NaN,
    DAY: 86_400_000,
    HOUR: 3_600_000,
    MINUTE: 60_000,
    SECOND: 1000,
  };
  if (e.to || Number.isNaN(unit[e.from])) fail('evaluator: this INTERVAL is not modelled');
  return n * unit[e.from];
}

// -----------------------------------------------------------------------------------------------
// Dates and CAST

function daysFromCivil(y: number, m: number, d: number): number {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000) + (y < 100 ? 0 : 0);
}

function parseDate(text: string): DateValue {
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(text) ?? fail(`bad DATE '${text}'`);
  return new DateValue(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
}

function parseTimeOfDay(text: string): number {
  const m =
    /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/.exec(text.trim()) ?? fail(`bad TIME '${text}'`);
  const ms = m[4] ? Number(m[4].padEnd(3, '0').slice(0, 3)) : 0;
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1000 + ms;
}

function parseTimestamp(text: string): TimestampValue {
  const m = /^\s*(\d{4}-\d{1,2}-\d{1,2})(?:[ T](.+?))?\s*$/.exec(text) ?? fail(`bad TIMESTAMP '${text}'`);
  const days = parseDate(m[1]).days;
  return new TimestampValue(days * 86_400_000 + (m[2] ? parseTimeOfDay(m[2]) : 0));
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

function dateText(days: number): string {
  const d = new Date(days * 86_400_000);
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

function integerCast(v: bigint, bits: number): bigint {
  return BigInt.asIntN(bits, v);
}

const INTEGER_BITS: Record<string, number> = { TINYINT: 8, SMALLINT: 16, INT: 32, BIGINT: 64 };

/** CAST(v AS type); `strict` false reads text from files (no padding of CHAR). */
export function castValue(v: Value, type: LogicalType, strict: boolean): Value {
  if (v === null) return null;
  const root = type.root;
  if (root in INTEGER_BITS) {
    const bits = INTEGER_BITS[root];
    if (typeof v === 'bigint') return integerCast(v, bits);
    if (typeof v === 'number') return integerCast(BigInt(Math.trunc(v)), bits);
    if (v instanceof Dec) return integerCast(v.unscaled / 10n ** BigInt(v.scale), bits);
    if (typeof v === 'boolean') return v ? 1n : 0n;
    if (typeof v === 'string') {
      // Flink's string-to-integer parse (BinaryStringDataUtil.toLong) stops at a decimal point:
      // '3.5' is 3.
      const t = v.trim();
      if (!/^[-+]?\d+(\.\d*)?$/.test(t)) fail(`cannot cast '${v}' to ${root}`);
      const n = BigInt(t.split('.')[0]);
      if (BigInt.asIntN(bits, n) !== n) fail(`'${v}' overflows ${root}`);
      return n;
    }
  }
  if (root === 'DOUBLE' || root === 'FLOAT') {
    const round = root === 'FLOAT' ? Math.fround : (x: number) => x;
    if (typeof v === 'string') {
      const n = Number(v.trim());
      if (v.trim() === '' || Number.isNaN(n)) fail(`cannot cast '${v}' to ${root}`);
      return round(n);
    }
    if (typeof v === 'boolean') return v ? 1 : 0;
    return round(toDouble(v));
  }
  if (root === 'DECIMAL') {
    const p = type.precision ?? 10;
    const s = type.scale ?? 0;
    let d: Dec;
    if (typeof v === 'string') {
      if (!/^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(v)) fail(`cannot cast '${v}' to DECIMAL`);
      d = Dec.parse(v.trim());
    } else if (typeof v === 'number') d = Dec.parse(v.toFixed(Math.min(20, s + 10)));
    else d = toDec(v);
    const r = d.withScale(s, p);
    // A value that does not fit DECIMAL(p, s) is NULL in Flink.
    return (r.unscaled < 0n ? -r.unscaled : r.unscaled).toString().length > p ? null : r;
  }
  if (root === 'VARCHAR' || root === 'CHAR') {
    let text: string;
    if (typeof v === 'string') text = v;
    else if (typeof v === 'boolean') text = v ? 'TRUE' : 'FALSE';
    else if (typeof v === 'bigint') text = v.toString();
    else if (typeof v === 'number') text = javaDoubleToString(v);
    else if (v instanceof Dec) text = v.text();
    else if (v instanceof DateValue) text = dateText(v.days);
    else fail('evaluator: this CAST to a string is not modelled');
    const length = type.length ?? 2147483647;
    text = text!.length > length ? text!.slice(0, length) : text!;
    return root === 'CHAR' && strict ? text.padEnd(length, ' ') : text;
  }
  if (root === 'BOOLEAN') {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (t === 'true') return true;
      if (t === 'false') return false;
      return fail(`cannot cast '${v}' to BOOLEAN`);
    }
    return toDouble(v) !== 0;
  }
  if (root === 'DATE') {
    if (typeof v === 'string') return parseDate(v);
    if (v instanceof TimestampValue) return new DateValue(Math.floor(v.millis / 86_400_000));
    return v;
  }
  if (root === 'TIMESTAMP' || root === 'TIMESTAMP_LTZ') {
    if (typeof v === 'string') return parseTimestamp(v);
    if (v instanceof DateValue) return new TimestampValue(v.days * 86_400_000);
    return v;
  }
  if (root === 'TIME') return typeof v === 'string' ? new TimeValue(parseTimeOfDay(v)) : v;
  return fail(`evaluator: CAST to ${root} is not modelled`);
}

// -----------------------------------------------------------------------------------------------
// Functions

function scalarFunction(e: A.FunctionCall, env: Env): Value {
  const name = e.name.value.toUpperCase();
  const args = () => e.args.map((a) => evaluate(a, env));
  const udf = FUNCTIONS.get(name);
  if (udf) return userFunction(udf, args());
  switch (name) {
    case 'COALESCE': {
      for (const a of e.args) {
        const v = evaluate(a, env);
        if (v !== null) return v;
      }
      return null;
    }
    case 'IF': {
      const c = evaluate(e.args[0], env);
      return evaluate(c === true ? e.args[1] : e.args[2], env);
    }
    case 'NULLIF': {
      const [a, b] = args();
      return a !== null && b !== null && compare(a, b) === 0 ? null : a;
    }
    case 'IFNULL': {
      const [a, b] = args();
      return a ?? b;
    }
    case 'PROCTIME':
      return new ProcTimeValue(INPUTS.proctime ?? fail('evaluator: PROCTIME() needs a frozen clock'));
    case 'CONCAT': {
      const vs = args();
      return vs.some((v) => v === null) ? null : vs.map(String).join('');
    }
    case 'CONCAT_WS': {
      const [sep, ...vs] = args();
      return sep === null
        ? null
        : vs
            .filter((v) => v !== null)
            .map(String)
            .join(sep as string);
    }
  }
  const vs = args();
  if (vs.some((v) => v === null)) return null;
  const str = (i: number) => vs[i] as string;
  const int = (i: number) => Number(vs[i] as bigint);
  switch (name) {
    case 'UPPER':
      return str(0).toUpperCase();
    case 'LOWER':
      return str(0).toLowerCase();
    case 'CHAR_LENGTH':
    case 'CHARACTER_LENGTH':
      return BigInt([...str(0)].length);
    case 'SUBSTRING':
    case 'SUBSTR': {
      const s = str(0);
      const start = int(1);
      const from = start > 0 ? start - 1 : start === 0 ? 0 : Math.max(0, s.length + start);
      return vs.length > 2 ? s.substr(from, int(2)) : s.slice(from);
    }
    case 'TRIM':
      return str(0).replace(/^ +| +$/g, '');
    case 'LTRIM':
      return str(0).replace(/^ +/, '');
    case 'RTRIM':
      return str(0).replace(/ +$/, '');
    case 'REPLACE':
      return str(0).split(str(1)).join(str(2));
    case 'REPEAT':
      return int(1) <= 0 ? '' : str(0).repeat(int(1));
    case 'REVERSE':
      return [...str(0)].reverse().join('');
    case 'INITCAP':
      return str(0)
        .toLowerCase()
        .replace(/(^|[^a-z0-9])([a-z])/g, (_, p: string, c: string) => p + c.toUpperCase());
    case 'LPAD':
    case 'RPAD': {
      const s = str(0);
      const n = int(1);
      const p = str(2);
      if (n < 0) return null;
      if (s.length >= n) return s.slice(0, n);
      if (p === '') return null;
      const fill = p.repeat(Math.ceil((n - s.length) / p.length)).slice(0, n - s.length);
      return name === 'LPAD' ? fill + s : s + fill;
    }
    case 'LEFT':
      return int(1) <= 0 ? '' : str(0).slice(0, int(1));
    case 'RIGHT':
      return int(1) <= 0 ? '' : str(0).slice(Math.max(0, str(0).length - int(1)));
    case 'POSITION':
    case 'LOCATE':
      return BigInt(str(1).indexOf(str(0)) + 1);
    case 'SPLIT_INDEX': {
      const parts = str(0).split(str(1));
      return int(2) < parts.length && int(2) >= 0 ? parts[int(2)] : null;
    }
    case 'GREATEST':
      return vs.reduce((a, b) => (compare(b, a) > 0 ? b : a));
    case 'LEAST':
      return vs.reduce((a, b) => (compare(b, a) < 0 ? b : a));
    case 'ABS':
      return compare(vs[0], 0n) < 0 ? negate(vs[0]) : vs[0];
    case 'MOD':
      return arithmetic('%', vs[0], vs[1]);
    case 'SIGN':
      return typeof vs[0] === 'number' ? Math.sign(vs[0]) : BigInt(compare(vs[0], 0n));
    case 'FLOOR':
    case 'CEIL':
    case 'CEILING': {
      const v = vs[0];
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return name === 'FLOOR' ? Math.floor(v) : Math.ceil(v);
      const d = v as Dec;
      const q = 10n ** BigInt(d.scale);
      let f = d.unscaled / q;
      if (d.unscaled % q !== 0n) {
        if (name === 'FLOOR' && d.unscaled < 0n) f -= 1n;
        if (name !== 'FLOOR' && d.unscaled > 0n) f += 1n;
      }
      return new Dec(f, 0);
    }
    case 'ROUND': {
      const v = vs[0];
      const n = vs.length > 1 ? int(1) : 0;
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number') return toDouble(Dec.parse(v.toFixed(15)).withScale(n));
      return (v as Dec).withScale(n);
    }
    case 'POWER':
      return toDouble(vs[0]) ** toDouble(vs[1]);
    case 'SQRT':
      return Math.sqrt(toDouble(vs[0]));
    case 'YEAR':
    case 'MONTH':
    case 'DAYOFMONTH': {
      const v = vs[0];
      const days = v instanceof DateValue ? v.days : Math.floor((v as TimestampValue).millis / 86_400_000);
      const d = new Date(days * 86_400_000);
      return BigInt(
        name === 'YEAR' ? d.getUTCFullYear() : name === 'MONTH' ? d.getUTCMonth() + 1 : d.getUTCDate(),
      );
    }
    case 'DATE_FORMAT': {
      // The Java pattern letters the cases use: yyyy MM dd HH mm ss.
      const ms = (vs[0] as TimestampValue).millis;
      const d = new Date(ms);
      const fields: Record<string, string> = {
        yyyy: pad(d.getUTCFullYear(), 4),
        MM: pad(d.getUTCMonth() + 1),
        dd: pad(d.getUTCDate()),
        HH: pad(d.getUTCHours()),
        mm: pad(d.getUTCMinutes()),
        ss: pad(d.getUTCSeconds()),
      };
      return str(1).replace(/yyyy|MM|dd|HH|mm|ss/g, (m) => fields[m]);
    }
    case 'SESSION':
    case 'SESSION_START':
    case 'SESSION_END': {
      const [start, end] = SESSION_OF.get(env.row) ?? fail(`evaluator: ${name} outside GROUP BY SESSION`);
      return new TimestampValue(name === 'SESSION_END' ? end : start);
    }
    case 'REGEXP_EXTRACT': {
      // Java's Matcher.find() and group(index): NULL without a match or for a group that did not take part.
      const match = new RegExp(str(1)).exec(str(0));
      return match?.[vs.length > 2 ? int(2) : 0] ?? null;
    }
    case 'TUMBLE':
    case 'TUMBLE_START':
    case 'TUMBLE_END': {
      // A legacy tumbling group window: the group key is the window; its start and end are
      // read off any row of the group.
      const [[start, end]] = legacyWindows(e, env);
      return new TimestampValue(name === 'TUMBLE_END' ? end : start);
    }
    case 'HOUR':
    case 'MINUTE':
    case 'SECOND': {
      const ms = (vs[0] as TimestampValue).millis;
      const ofDay = ((ms % 86_400_000) + 86_400_000) % 86_400_000;
      return BigInt(
        name === 'HOUR'
          ? Math.floor(ofDay / 3_600_000)
          : name === 'MINUTE'
            ? Math.floor(ofDay / 60_000) % 60
            : Math.floor(ofDay / 1000) % 60,
      );
    }
    default:
      return fail(`evaluator: function ${name} is not modelled`);
  }
}

/** Calls a user function with the arguments' runtime values and reads its result as its type. */
function userFunction(udf: UserFunction, args: readonly Value[]): Value {
  const runtime = args.map((v) => (typeof v === 'bigint' ? Number(v) : v instanceof Dec ? v.toNumber() : v));
  const result = udf.eval(...runtime);
  if (result === null || result === undefined) return null;
  const root = udf.resultType.split(/[\s(]/)[0].toUpperCase();
  if (root in INTEGER_BITS) return BigInt(result as number);
  if (root === 'DOUBLE' || root === 'FLOAT') return result as number;
  if (root === 'STRING' || root === 'VARCHAR' || root === 'BOOLEAN') return result as Value;
  return fail(`evaluator: a user function returning ${udf.resultType} is not modelled`);
}

/** An aggregate call over the current group's rows (NULL arguments skipped, FILTER applied). */
function aggregate(e: A.FunctionCall, env: Env): Value {
  const group = env.group ?? fail('aggregate outside of an aggregation');
  const name = e.name.value.toUpperCase();
  let rows = group;
  if (e.filter) rows = rows.filter((row) => evaluate(e.filter!, { columns: env.columns, row }) === true);
  if (name === 'COUNT' && (e.star || e.args.length === 0)) return BigInt(rows.length);
  let vals: Value[] = rows
    .map((row) => evaluate(e.args[0], { columns: env.columns, row }))
    .filter((v) => v !== null);
  if (e.distinct) vals = distinctRows(vals.map((v) => [v])).map((r) => r[0]);
  switch (name) {
    case 'COUNT':
      return BigInt(vals.length);
    case 'SUM':
      return vals.length === 0 ? null : vals.reduce((a, b) => arithmetic('+', a, b));
    case 'AVG': {
      if (vals.length === 0) return null;
      const sum = vals.reduce((a, b) => arithmetic('+', a, b));
      if (typeof sum === 'bigint') return sum / BigInt(vals.length);
      if (typeof sum === 'number') return sum / vals.length;
      // AVG(DECIMAL(p, s)) is DECIMAL(38, max(6, s)), rounded half up.
      const d = sum as Dec;
      const scale = Math.max(6, d.scale);
      return new Dec(divideHalfUp(d.withScale(scale).unscaled, BigInt(vals.length)), scale);
    }
    case 'MIN':
      return vals.length === 0 ? null : vals.reduce((a, b) => (compare(b, a) < 0 ? b : a));
    case 'MAX':
      return vals.length === 0 ? null : vals.reduce((a, b) => (compare(b, a) > 0 ? b : a));
    case 'FIRST_VALUE':
      return vals[0] ?? null;
    case 'LAST_VALUE':
      return vals.length === 0 ? null : vals[vals.length - 1];
    case 'LISTAGG': {
      if (vals.length === 0) return null;
      const sep = e.args.length > 1 ? (evaluate(e.args[1], env) as string) : ',';
      return vals.map(String).join(sep);
    }
    default:
      return fail(`evaluator: aggregate ${name} is not modelled`);
  }
}
