import { isSensitiveKey } from '../../common/secrets.js';
import { formatType, type LogicalType, type TypeStyle } from '../../common/types.js';
import type * as A from './ast.js';
import { isKeyword, isReservedWord } from './lexer.js';

/**
 * Prints an AST back to Flink SQL such that parsing the output gives the same tree (positions
 * aside). Compound operands are always parenthesized, since the tree has no parenthesis nodes and
 * redundant parentheses are harmless.
 */
export interface PrintOptions {
  /** Replace values of sensitive WITH options by '******' (for EXPLAIN, SHOW, logs). */
  readonly maskSecrets?: boolean;
}

export { isSensitiveKey } from '../../common/secrets.js';

export function quoteIdent(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !isKeyword(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

export function quoteString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function name(n: A.QualifiedName | readonly A.Ident[]): string {
  const parts = 'parts' in n ? n.parts : n;
  return parts.map((p) => quoteIdent(p.value)).join('.');
}

/** A type as valid Flink SQL: ROW fields quoted only where needed, with their comments. */
const SQL_TYPE_STYLE: TypeStyle = {
  timeAttributes: false,
  rowField: (f, type) =>
    `${quoteIdent(f.name)} ${type}${f.description !== undefined ? ` COMMENT ${quoteString(f.description)}` : ''}`,
};

export function printType(type: LogicalType): string {
  return formatType(type, SQL_TYPE_STYLE);
}

const ATOMIC = new Set<A.Expr['kind']>([
  'ColumnRef',
  'NumericLiteral',
  'StringLiteral',
  'BooleanLiteral',
  'NullLiteral',
  'IntervalLiteral',
  'TypedLiteral',
  'CastExpr',
  'CaseExpr',
  'FunctionCall',
]);

function operand(e: A.Expr): string {
  return ATOMIC.has(e.kind) ? printExpr(e) : `(${printExpr(e)})`;
}

export function printExpr(e: A.Expr): string {
  switch (e.kind) {
    case 'ColumnRef':
      return name(e.parts);
    case 'NumericLiteral':
      return e.text;
    case 'StringLiteral':
      return quoteString(e.value);
    case 'BooleanLiteral':
      return e.value ? 'TRUE' : 'FALSE';
    case 'NullLiteral':
      return 'NULL';
    case 'IntervalLiteral':
      return `INTERVAL ${quoteString(e.value)} ${e.from}${e.to ? ` TO ${e.to}` : ''}`;
    case 'TypedLiteral':
      return `${e.type} ${quoteString(e.value)}`;
    case 'UnaryExpr':
      return e.op === 'NOT' ? `NOT ${operand(e.operand)}` : `${e.op}${operand(e.operand)}`;
    case 'BinaryExpr':
      return `${operand(e.left)} ${e.op} ${operand(e.right)}`;
    case 'IsExpr':
      return `${operand(e.operand)} IS ${e.negated ? 'NOT ' : ''}${e.test}`;
    case 'InExpr':
      return `${operand(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${e.items.map(printExpr).join(', ')})`;
    case 'InSubqueryExpr':
      return `${operand(e.operand)} ${e.negated ? 'NOT ' : ''}IN (${printQuery(e.query)})`;
    case 'ExistsExpr':
      return `EXISTS (${printQuery(e.query)})`;
    case 'ScalarSubquery':
      return `(${printQuery(e.query)})`;
    case 'BetweenExpr':
      return `${operand(e.operand)} ${e.negated ? 'NOT ' : ''}BETWEEN ${operand(e.low)} AND ${operand(e.high)}`;
    case 'LikeExpr':
      return `${operand(e.operand)} ${e.negated ? 'NOT ' : ''}LIKE ${operand(e.pattern)}${e.escape ? ` ESCAPE ${operand(e.escape)}` : ''}`;
    case 'CastExpr':
      return `${e.safe ? 'TRY_CAST' : 'CAST'}(${printExpr(e.operand)} AS ${printType(e.type.type)})`;
    case 'CaseExpr':
      return [
        'CASE',
        ...(e.operand ? [printExpr(e.operand)] : []),
        ...e.whens.map((w) => `WHEN ${printExpr(w.when)} THEN ${printExpr(w.result)}`),
        ...(e.else ? [`ELSE ${printExpr(e.else)}`] : []),
        'END',
      ].join(' ');
    case 'OverCall':
      return e.windowName
        ? `${printExpr(e.call)} OVER ${quoteIdent(e.windowName.value)}`
        : `${printExpr(e.call)} OVER (${windowSpec(e.window)})`;
    case 'TableArg':
      return `TABLE ${name(e.name)}`;
    case 'FunctionCall': {
      if (e.niladic) return e.name.value;
      const v = e.name.value;
      const fn =
        /^[A-Za-z_][A-Za-z0-9_]*$/.test(v) && !isReservedWord(v) ? v : `\`${v.replace(/`/g, '``')}\``;
      const filter = e.filter ? ` FILTER (WHERE ${printExpr(e.filter)})` : '';
      if (e.star) return `${fn}(*)${filter}`;
      const arg = (a: A.Expr, i: number) => {
        const name = e.argNames?.[i];
        return name ? `${name.value} => ${printExpr(a)}` : printExpr(a);
      };
      return `${fn}(${e.distinct ? 'DISTINCT ' : ''}${e.args.map(arg).join(', ')})${filter}`;
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}

function orderItems(items: readonly A.OrderItem[]): string {
  return items
    .map((o) => `${printExpr(o.expr)}${o.descending ? ' DESC' : ''}${o.nulls ? ` NULLS ${o.nulls}` : ''}`)
    .join(', ');
}

function frameBound(b: A.FrameBound): string {
  return b.offset ? `${printExpr(b.offset)} ${b.kind}` : b.kind;
}

function windowSpec(w: A.WindowSpec): string {
  const parts: string[] = [];
  if (w.partitionBy.length > 0) parts.push(`PARTITION BY ${w.partitionBy.map(printExpr).join(', ')}`);
  if (w.orderBy.length > 0) parts.push(`ORDER BY ${orderItems(w.orderBy)}`);
  if (w.frame)
    parts.push(
      w.frame.end
        ? `${w.frame.unit} BETWEEN ${frameBound(w.frame.start)} AND ${frameBound(w.frame.end)}`
        : `${w.frame.unit} ${frameBound(w.frame.start)}`,
    );
  return parts.join(' ');
}

function selectItem(item: A.SelectItem): string {
  switch (item.kind) {
    case 'SelectStar':
      return item.qualifier ? `${name(item.qualifier)}.*` : '*';
    case 'SelectExpr':
      return item.alias ? `${printExpr(item.expr)} AS ${quoteIdent(item.alias.value)}` : printExpr(item.expr);
    default: {
      const never: never = item;
      return never;
    }
  }
}

function tableRef(ref: A.TableRef): string {
  const alias = ref.alias ? ` AS ${quoteIdent(ref.alias.value)}` : '';
  switch (ref.kind) {
    case 'TableName':
      return `${name(ref.name)}${ref.forSystemTime ? ` FOR SYSTEM_TIME AS OF ${operand(ref.forSystemTime)}` : ''}${alias}`;
    case 'TableFunctionRef':
      return `TABLE(${printExpr(ref.call)})${alias}`;
    case 'JoinRef': {
      const right = ref.right.kind === 'JoinRef' ? `(${tableRef(ref.right)})` : tableRef(ref.right);
      if (ref.type === 'COMMA') return `${tableRef(ref.left)}, ${right}`;
      return `${tableRef(ref.left)} ${ref.type} JOIN ${right}${ref.on ? ` ON ${printExpr(ref.on)}` : ''}`;
    }
    case 'UnnestRef':
      return `UNNEST(${ref.args.map(printExpr).join(', ')})${ref.withOrdinality ? ' WITH ORDINALITY' : ''}${alias}${
        ref.columns ? `(${ref.columns.map((c) => name([c])).join(', ')})` : ''
      }`;
    case 'SubqueryRef':
      return `(${printQuery(ref.query)})${alias}${ref.columns ? `(${ref.columns.map((c) => name([c])).join(', ')})` : ''}`;
    default: {
      const never: never = ref;
      return never;
    }
  }
}

/** A query used as an operand (of UNION or ORDER BY), parenthesized when it would otherwise re-associate. */
function queryTerm(q: A.Query): string {
  return q.kind === 'OrderedQuery' || q.kind === 'WithQuery' || q.kind === 'SetOperation'
    ? `(${printQuery(q)})`
    : printQuery(q);
}

export function printQuery(q: A.Query): string {
  switch (q.kind) {
    case 'Select': {
      let s = `SELECT ${q.distinct ? 'DISTINCT ' : ''}${q.items.map(selectItem).join(', ')}`;
      if (q.from) s += ` FROM ${tableRef(q.from)}`;
      if (q.where) s += ` WHERE ${printExpr(q.where)}`;
      if (q.groupBy.length > 0) s += ` GROUP BY ${q.groupBy.map(printExpr).join(', ')}`;
      if (q.having) s += ` HAVING ${printExpr(q.having)}`;
      if (q.windows)
        s += ` WINDOW ${q.windows.map((w) => `${quoteIdent(w.name.value)} AS (${windowSpec(w.spec)})`).join(', ')}`;
      return s;
    }
    case 'SetOperation': {
      const left = q.left.kind === 'SetOperation' ? printQuery(q.left) : queryTerm(q.left);
      return `${left} UNION ${q.all ? 'ALL ' : ''}${queryTerm(q.right)}`;
    }
    case 'Values':
      return `VALUES ${q.rows.map((r) => `(${r.map(printExpr).join(', ')})`).join(', ')}`;
    case 'WithQuery':
      return `WITH ${q.ctes
        .map(
          (c) =>
            `${quoteIdent(c.name.value)}${c.columns ? ` (${c.columns.map((i) => quoteIdent(i.value)).join(', ')})` : ''} AS (${printQuery(c.query)})`,
        )
        .join(', ')} ${q.body.kind === 'WithQuery' ? `(${printQuery(q.body)})` : printQuery(q.body)}`;
    case 'OrderedQuery': {
      const inner = q.query.kind === 'SetOperation' ? printQuery(q.query) : queryTerm(q.query);
      let s = inner;
      if (q.orderBy.length > 0)
        s += ` ORDER BY ${q.orderBy
          .map(
            (o) => `${printExpr(o.expr)}${o.descending ? ' DESC' : ''}${o.nulls ? ` NULLS ${o.nulls}` : ''}`,
          )
          .join(', ')}`;
      if (q.limit) s += ` LIMIT ${printExpr(q.limit)}`;
      if (q.offset) s += ` OFFSET ${printExpr(q.offset)}`;
      return s;
    }
    default: {
      const never: never = q;
      return never;
    }
  }
}

function comment(text: string | undefined): string {
  return text === undefined ? '' : ` COMMENT ${quoteString(text)}`;
}

function columnDef(c: A.ColumnDef): string {
  switch (c.kind) {
    case 'PhysicalColumn':
      return `${quoteIdent(c.name.value)} ${printType(c.type.type)}${comment(c.comment)}`;
    case 'ComputedColumn':
      return `${quoteIdent(c.name.value)} AS ${printExpr(c.expr)}${comment(c.comment)}`;
    case 'MetadataColumn':
      return `${quoteIdent(c.name.value)} ${printType(c.type.type)} METADATA${c.key !== undefined ? ` FROM ${quoteString(c.key)}` : ''}${c.virtual ? ' VIRTUAL' : ''}${comment(c.comment)}`;
    default: {
      const never: never = c;
      return never;
    }
  }
}

export function printOptions(options: readonly A.TableOption[], opts: PrintOptions = {}): string {
  return options
    .map(
      (o) =>
        `  ${quoteString(o.key)} = ${opts.maskSecrets && isSensitiveKey(o.key) ? "'******'" : quoteString(o.value)}`,
    )
    .join(',\n');
}

export function printStatement(s: A.Statement, opts: PrintOptions = {}): string {
  switch (s.kind) {
    case 'CreateTable': {
      const elements = s.columns.map(columnDef);
      if (s.watermark)
        elements.push(
          `WATERMARK FOR ${quoteIdent(s.watermark.column.value)} AS ${printExpr(s.watermark.expr)}`,
        );
      if (s.primaryKey)
        elements.push(
          `PRIMARY KEY (${s.primaryKey.columns.map((c) => quoteIdent(c.value)).join(', ')}) NOT ENFORCED`,
        );
      let text = `CREATE ${s.temporary ? 'TEMPORARY ' : ''}TABLE ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${name(s.name)}`;
      if (elements.length > 0) text += ` (\n${elements.map((e) => `  ${e}`).join(',\n')}\n)`;
      if (s.comment !== undefined) text += `\nCOMMENT ${quoteString(s.comment)}`;
      if (s.partitionedBy.length > 0)
        text += `\nPARTITIONED BY (${s.partitionedBy.map((p) => quoteIdent(p.value)).join(', ')})`;
      if (s.options.length > 0) text += ` WITH (\n${printOptions(s.options, opts)}\n)`;
      if (s.like)
        text += `\nLIKE ${name(s.like.source)}${s.like.options.length > 0 ? ` (${s.like.options.map((o) => `${o.strategy} ${o.feature}`).join(' ')})` : ''}`;
      if (s.asQuery) text += `\nAS ${printQuery(s.asQuery)}`;
      return text;
    }
    case 'CreateView':
      return `CREATE ${s.temporary ? 'TEMPORARY ' : ''}VIEW ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${name(s.name)}${s.columns ? ` (${s.columns.map((c) => quoteIdent(c.value)).join(', ')})` : ''}${comment(s.comment)} AS\n${printQuery(s.query)}`;
    case 'DropObject':
      return `DROP ${s.temporary ? 'TEMPORARY ' : ''}${s.system ? 'SYSTEM ' : ''}${s.object} ${s.ifExists ? 'IF EXISTS ' : ''}${name(s.name)}`;
    case 'SetStatement':
      return s.key && s.value
        ? `SET ${quoteString(s.key.value)} = ${opts.maskSecrets && isSensitiveKey(s.key.value) ? "'******'" : quoteString(s.value.value)}`
        : 'SET';
    case 'ResetStatement':
      return s.key ? `RESET ${quoteString(s.key.value)}` : 'RESET';
    case 'Insert':
      return `INSERT ${s.overwrite ? 'OVERWRITE' : 'INTO'} ${name(s.table)}${s.columns ? ` (${s.columns.map((c) => quoteIdent(c.value)).join(', ')})` : ''}\n${printQuery(s.query)}`;
    case 'QueryStatement':
      return printQuery(s.query);
    case 'Explain':
      return `EXPLAIN ${s.details.length > 0 ? `${s.details.join(', ')} ` : ''}${printStatement(s.statement, opts)}`;
    case 'ShowTables':
      return s.views ? 'SHOW VIEWS' : 'SHOW TABLES';
    case 'Describe':
      return `DESCRIBE ${name(s.name)}`;
    case 'AlterTable': {
      const a = s.action;
      const action =
        a.kind === 'set'
          ? `SET (${printOptions(a.options, opts).trim()})`
          : a.kind === 'reset'
            ? `RESET (${a.keys.map((k) => quoteString(k.value)).join(', ')})`
            : `RENAME TO ${name(a.to)}`;
      return `ALTER TABLE ${name(s.name)} ${action}`;
    }
    case 'Use':
      return `USE ${s.catalog ? 'CATALOG ' : ''}${name(s.name)}`;
    case 'CreateFunction':
      return `CREATE ${s.temporary ? 'TEMPORARY ' : ''}${s.system ? 'SYSTEM ' : ''}FUNCTION ${s.ifNotExists ? 'IF NOT EXISTS ' : ''}${name(s.name)} AS ${quoteString(s.className)}${s.language ? ` LANGUAGE ${s.language}` : ''}${s.jars.length > 0 ? ` USING ${s.jars.map((j) => `JAR ${quoteString(j)}`).join(', ')}` : ''}`;
    case 'StatementSet':
      return `EXECUTE STATEMENT SET\nBEGIN\n${s.inserts.map((i) => `${printStatement(i, opts)};\n`).join('')}END`;
    case 'BeginStatementSet':
      return 'BEGIN STATEMENT SET';
    case 'EndStatementSet':
      return 'END';
    default: {
      const never: never = s;
      return never;
    }
  }
}

/** SQL text for any statement, query or expression node. */
export function print(node: A.Statement | A.Query | A.Expr, opts: PrintOptions = {}): string {
  switch (node.kind) {
    case 'Select':
    case 'SetOperation':
    case 'Values':
    case 'WithQuery':
    case 'OrderedQuery':
      return printQuery(node);
    case 'CreateTable':
    case 'CreateView':
    case 'DropObject':
    case 'SetStatement':
    case 'ResetStatement':
    case 'Insert':
    case 'QueryStatement':
    case 'Explain':
    case 'ShowTables':
    case 'Describe':
    case 'CreateFunction':
    case 'AlterTable':
    case 'Use':
    case 'StatementSet':
    case 'BeginStatementSet':
    case 'EndStatementSet':
      return printStatement(node, opts);
    default:
      return printExpr(node);
  }
}
