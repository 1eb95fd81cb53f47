import type { Configuration } from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';
import { isWeirError, WeirError } from '../../common/errors.js';
import { type Expr, inputRef } from '../../common/expr.js';
import type { LogicalType, RowField } from '../../common/types.js';
import { type Catalog, type CatalogTable, type CatalogView, identifierText } from '../catalog/catalog.js';
import { type LogicalNode, logicalFilter, logicalProject } from '../logical/nodes.js';
import type * as A from '../parser/ast.js';
import { AggregateExprBinder, Aggregation, findAggregate, rejectAggregate } from './aggregate.js';
import { unsupported, validationError } from './errors.js';
import { ExprBinder } from './expressions.js';
import { bindJoin } from './join.js';
import { bindLimit } from './limit.js';
import { legacyConnector } from './options.js';
import { bindOverWindow, findOverCalls } from './over.js';
import { filterOnOverAliases } from './over-alias-filter.js';
import { bindScalarSubqueries } from './scalar-subquery.js';
import { type Field, Scope } from './scope.js';
import { bindUnion, bindValues, distinct } from './set-operations.js';
import { bindWhereWithSubqueries } from './subquery.js';
import { bindLegacyGroupWindow, bindWindowTvf, isWindowTvf, windowTimeKept } from './window.js';

/** A bound query: its logical plan and, per output column, the name, type and where it was written. */
export interface BoundQuery {
  readonly node: LogicalNode;
  readonly fields: readonly OutputField[];
}

export interface OutputField {
  readonly name: string;
  readonly type: LogicalType;
  readonly pos: A.Pos;
  /** The qualifier of the input column a plain column item (or `*`) passes on. */
  readonly innerQualifier?: string;
}

export interface BoundFrom {
  readonly node: LogicalNode;
  readonly fields: readonly Field[];
}

const MAX_VIEW_DEPTH = 32;

export interface BinderContext {
  readonly catalog: Catalog;
  readonly connectors: ReadonlyMap<string, ConnectorDescriptor>;
  /** The session configuration, for the options that change plans (mini-batch, upsert materialize). */
  readonly config?: Configuration;
}

/** The descriptor of a catalog table's connector (validated when the table was created). */
export function connectorOf(table: CatalogTable, ctx: BinderContext): ConnectorDescriptor {
  const descriptor =
    ctx.connectors.get(table.options.connector) ?? legacyConnector(table.options, ctx.connectors);
  if (!descriptor) {
    throw new WeirError(
      'SQL_VALIDATION',
      `Could not find any factory for identifier '${table.options.connector}'`,
      {
        position: table.ddl.name.pos,
        source: table.source.text,
        file: table.source.file,
      },
    );
  }
  if (descriptor.identifier === 'filesystem') checkPartitionCommitPolicy(table);
  return descriptor;
}

/** Flink's filesystem sink knows the 'success-file' policy; 'metastore' needs a Hive catalog. */
function checkPartitionCommitPolicy(table: CatalogTable): void {
  const policy = table.options['sink.partition-commit.policy.kind'];
  if (policy === undefined) return;
  const where = { position: table.ddl.name.pos, source: table.source.text, file: table.source.file };
  if (table.partitionKeys.length === 0) {
    throw new WeirError(
      'SQL_VALIDATION',
      `Table ${identifierText(table.identifier)} sets 'sink.partition-commit.policy.kind' but has no PARTITIONED BY columns`,
      where,
    );
  }
  for (const kind of policy.split(',').map((k) => k.trim().toLowerCase())) {
    if (kind === 'success-file') continue;
    throw new WeirError(
      kind === 'metastore' || kind === 'custom' ? 'SQL_UNSUPPORTED' : 'SQL_VALIDATION',
      kind === 'metastore'
        ? "Can not configure a 'metastore' partition commit policy for a file system table. You can only configure 'metastore' partition commit policy for a hive table."
        : `Unsupported partition commit policy '${kind}' in 'sink.partition-commit.policy.kind'`,
      { ...where, hint: "use 'success-file'" },
    );
  }
}

/**
 * Binds queries to logical plans: resolves tables, views and WITH names, expands `*`, types every
 * expression. What the planner cannot run yet (joins, UNION, ORDER BY, …) is rejected
 * here with SQL_UNSUPPORTED at the construct's position.
 */
export class QueryBinder {
  constructor(
    private readonly ctx: BinderContext,
    private readonly ctes: ReadonlyMap<string, BoundQuery> = new Map(),
    private readonly depth = 0,
  ) {}

  bindQuery(q: A.Query): BoundQuery {
    switch (q.kind) {
      case 'Select':
        return this.bindSelect(q);
      case 'WithQuery': {
        const ctes = new Map(this.ctes);
        for (const cte of q.ctes) {
          const bound = new QueryBinder(this.ctx, ctes, this.depth).bindQuery(cte.query);
          ctes.set(cte.name.value, renameColumns(bound, cte.columns, cte.name));
        }
        return new QueryBinder(this.ctx, ctes, this.depth).bindQuery(q.body);
      }
      case 'SetOperation':
        return bindUnion(q, this.bindQuery(q.left), this.bindQuery(q.right));
      case 'Values':
        return bindValues(q);
      case 'OrderedQuery':
        return bindLimit(q, this.bindQuery(q.query));
      default: {
        const never: never = q;
        return never;
      }
    }
  }

  private bindSelect(s: A.Select, boundFrom?: BoundFrom): BoundQuery {
    if (s.distinct) return distinct(this.bindSelect({ ...s, distinct: false }, boundFrom));
    if (!s.from && s.items.some((i) => i.kind === 'SelectStar'))
      throw validationError('SELECT * requires a FROM clause', s.pos, 'name the expressions to select');
    // Without FROM, Calcite (and so Flink) selects from a one-row VALUES: `SELECT 1` is a one-row result.
    const from = boundFrom ?? this.bindFrom(s.from ?? oneRowValues(s.pos));
    if (!boundFrom) {
      const onOverAliases = filterOnOverAliases(s, new Set(from.fields.map((f) => f.name)));
      if (onOverAliases) return this.bindSelect(onOverAliases);
      // Scalar subqueries become LEFT joins of the FROM relation (binder/scalar-subquery.ts).
      const scalar = bindScalarSubqueries(s, from, (q) => this.bindQuery(q));
      if (scalar) return this.bindSelect(scalar.select, scalar.from);
    }
    const scope = new Scope(from.fields);
    let binder = new ExprBinder(scope);
    let node = from.node;
    if (s.where) {
      // `[NOT] IN / EXISTS (SELECT …)` conjuncts become semi/anti joins (binder/subquery.ts).
      const withSubqueries = bindWhereWithSubqueries(s.where, from, node, {
        bindQuery: (q) => this.bindQuery(q),
        bindFrom: (ref) => this.bindFrom(ref),
      });
      if (withSubqueries) node = withSubqueries;
      else {
        rejectAggregate(s.where, 'WHERE clause');
        node = logicalFilter(node, binder.bindCondition(s.where, 'WHERE clause'));
      }
    }
    const groupWindow = bindLegacyGroupWindow(s, from, node);
    if (groupWindow) {
      const { relation, select } = groupWindow;
      return this.bindAggregate(select, relation, relation.node, new ExprBinder(new Scope(relation.fields)));
    }
    const aggregated =
      s.groupBy.length > 0 ||
      s.having !== undefined ||
      s.items.some((item) => item.kind === 'SelectExpr' && findAggregate(item.expr));
    const overCall = s.items.flatMap((item) =>
      item.kind === 'SelectExpr' ? findOverCalls(item.expr) : [],
    )[0];
    if (overCall) {
      if (aggregated)
        throw unsupported('An OVER window in an aggregating SELECT (with GROUP BY)', overCall.pos);
      ({ node, binder } = bindOverWindow(s.items, s.windows, node, scope, binder));
    }
    if (aggregated) return this.bindAggregate(s, from, node, binder);

    const exprs: Expr[] = [];
    const outputs: { name?: string; type: LogicalType; pos: A.Pos; innerQualifier?: string }[] = [];
    for (const item of s.items) {
      switch (item.kind) {
        case 'SelectStar': {
          for (const { f, i } of starFields(item, from.fields)) {
            exprs.push(inputRef(i, f.type));
            outputs.push({ name: f.name, type: f.type, pos: item.pos, innerQualifier: f.qualifier });
          }
          break;
        }
        case 'SelectExpr': {
          const e = binder.bind(item.expr);
          exprs.push(e);
          const passed =
            e.kind === 'input' && item.expr.kind === 'ColumnRef' ? from.fields[e.index] : undefined;
          outputs.push({
            name: itemName(item),
            type: e.type,
            pos: item.pos,
            innerQualifier: passed?.qualifier,
          });
          break;
        }
        default: {
          const never: never = item;
          return never;
        }
      }
    }
    const names = uniquify(outputs.map((o, i) => o.name ?? `EXPR$${i}`));
    return {
      node: logicalProject(node, exprs, names),
      fields: outputs.map((o, i) => ({
        name: names[i],
        type: o.type,
        pos: o.pos,
        ...(o.innerQualifier ? { innerQualifier: o.innerQualifier } : {}),
      })),
    };
  }

  /**
   * An aggregating SELECT as Calcite plans it: Project (grouping expressions and aggregate
   * arguments) → Aggregate → Filter (HAVING) → Project (the SELECT list over the aggregate).
   */
  private bindAggregate(
    s: A.Select,
    from: BoundFrom,
    input: LogicalNode,
    inputBinder: ExprBinder,
  ): BoundQuery {
    const aggregation = new Aggregation(
      inputBinder,
      from.fields.map((f) => f.name),
      s.groupBy,
    );
    // Known from the grouping alone: whether window_time stays a rowtime (a window aggregation).
    const groupFields = aggregation.inputs.map((_, i) => i);
    aggregation.keepsTimeAttribute = windowTimeKept(
      logicalProject(input, aggregation.inputs, uniquify(aggregation.inputFieldNames())),
      groupFields,
    );
    const binder = new AggregateExprBinder(new Scope(from.fields), aggregation);
    const exprs: Expr[] = [];
    const outputs: { name?: string; type: LogicalType; pos: A.Pos }[] = [];
    for (const item of s.items) {
      switch (item.kind) {
        case 'SelectStar':
          for (const { f, i } of starFields(item, from.fields)) {
            const grouped = aggregation.groupRef(inputRef(i, f.type));
            if (!grouped)
              throw validationError(
                `Expression '${f.name}' is not being grouped`,
                item.pos,
                'list the grouped columns instead of *',
              );
            exprs.push(grouped);
            outputs.push({ name: f.name, type: grouped.type, pos: item.pos });
          }
          break;
        case 'SelectExpr': {
          const name = itemName(item);
          const e = binder.bindItem(item.expr, name ?? `EXPR$${outputs.length}`);
          exprs.push(e);
          outputs.push({ name, type: e.type, pos: item.pos });
          break;
        }
        default: {
          const never: never = item;
          return never;
        }
      }
    }
    const having = s.having && binder.bindCondition(s.having, 'HAVING clause');

    const groupSet = aggregation.inputs.slice(0, aggregation.groupCount).map((_, i) => i);
    const projected = logicalProject(input, aggregation.inputs, uniquify(aggregation.inputFieldNames()));
    const groupNames = groupSet.map((i) => projected.rowType.fields[i].name);
    const aggNames = uniquify([...groupNames, ...aggregation.calls.map((c) => c.name)]);
    const calls = aggregation.calls.map((c, i) => ({ ...c, name: aggNames[groupSet.length + i] }));
    let node: LogicalNode = {
      kind: 'LogicalAggregate',
      input: projected,
      groupSet,
      aggCalls: calls,
      rowType: {
        fields: [
          ...groupSet.map((i) => ({
            name: groupNames[i],
            type: aggregation.keepsTimeAttribute(i)
              ? projected.rowType.fields[i].type
              : withoutTimeAttribute(projected.rowType.fields[i].type),
          })),
          ...calls.map((c) => ({ name: c.name, type: c.type })),
        ],
      },
    };
    if (having) node = logicalFilter(node, having);
    const names = uniquify(outputs.map((o, i) => o.name ?? `EXPR$${i}`));
    return {
      node: logicalProject(node, exprs, names),
      fields: outputs.map((o, i) => ({ name: names[i], type: o.type, pos: o.pos })),
    };
  }

  private bindFrom(ref: A.TableRef): BoundFrom {
    switch (ref.kind) {
      case 'SubqueryRef': {
        const bound = renameColumns(this.bindQuery(ref.query), ref.columns, ref.alias ?? ref);
        const qualifier = ref.alias?.value;
        return {
          node: bound.node,
          fields: bound.fields.map((f) => ({
            name: f.name,
            type: f.type,
            qualifier,
            ...(qualifier === undefined && f.innerQualifier ? { innerQualifier: f.innerQualifier } : {}),
          })),
        };
      }
      case 'JoinRef':
        return bindJoin(ref, (side) => this.bindFrom(side));
      case 'UnnestRef':
        throw unsupported(
          'UNNEST on its own in FROM',
          ref.pos,
          'join it with the table whose column it expands: `FROM t CROSS JOIN UNNEST(t.c) AS u(x)`',
        );
      case 'TableFunctionRef': {
        const fn = ref.call.name.value.toUpperCase();
        if (isWindowTvf(fn))
          return bindWindowTvf(ref, (table) =>
            this.bindFrom({ kind: 'TableName', name: table.name, pos: table.pos }),
          );
        throw unsupported(`Table function ${fn}`, ref.call.pos);
      }
      case 'TableName': {
        if (ref.forSystemTime)
          throw unsupported(
            'FOR SYSTEM_TIME AS OF outside a join',
            ref.forSystemTime.pos,
            'join the table: `… JOIN t FOR SYSTEM_TIME AS OF o.time AS x ON …`',
          );
        const parts = ref.name.parts;
        const qualifier = ref.alias?.value ?? parts[parts.length - 1].value;
        const cte = parts.length === 1 ? this.ctes.get(parts[0].value) : undefined;
        if (cte)
          return {
            node: cte.node,
            fields: cte.fields.map((f) => ({ name: f.name, type: f.type, qualifier })),
          };
        const object = this.ctx.catalog.lookup(ref.name);
        const bound = object.kind === 'table' ? this.scan(object, ref) : this.expandView(object, ref);
        return {
          node: bound.node,
          fields: bound.fields.map((f) => ({ name: f.name, type: f.type, qualifier })),
        };
      }
      default: {
        const never: never = ref;
        return never;
      }
    }
  }

  /** A table as a source: the connector's physical columns, then computed columns evaluated over them. */
  private scan(table: CatalogTable, ref: A.TableName): BoundQuery {
    const connector = connectorOf(table, this.ctx);
    if (!connector.source) {
      throw validationError(
        `Connector '${connector.identifier}' can only be used as a sink. It cannot be used as a source.`,
        ref.name.pos,
        `'${identifierText(table.identifier)}' is written to with INSERT INTO, not read from`,
      );
    }
    const metadata = table.columns.find((c) => c.kind === 'metadata');
    if (metadata) {
      throw new WeirError('SQL_UNSUPPORTED', `Metadata column '${metadata.name}' is not supported yet`, {
        position: metadata.pos,
        source: table.source.text,
        file: table.source.file,
      });
    }
    const physical = table.columns.filter((c) => c.kind === 'physical');
    const physicalFields: RowField[] = physical.map((c) => {
      const f = table.schema.fields.find((f) => f.name === c.name)!;
      return { ...f, type: withoutTimeAttribute(f.type) };
    });
    let node: LogicalNode = {
      kind: 'LogicalTableScan',
      table,
      connector,
      rowType: { fields: physicalFields },
    };
    if (physical.length < table.columns.length) {
      const base = new ExprBinder(new Scope(physicalFields.map((f) => ({ name: f.name, type: f.type }))));
      const exprs = table.columns.map((c) =>
        c.kind === 'computed'
          ? rebind(() => base.bind(c.expr!), table)
          : inputRef(
              physical.findIndex((p) => p.name === c.name),
              physicalFields.find((f) => f.name === c.name)!.type,
            ),
      );
      node = logicalProject(
        node,
        exprs,
        table.columns.map((c) => c.name),
      );
    }
    if (table.watermark) node = watermarkAssigner(node, table);
    return { node, fields: table.schema.fields.map((f) => ({ name: f.name, type: f.type, pos: ref.pos })) };
  }

  private expandView(view: CatalogView, ref: A.TableName): BoundQuery {
    if (this.depth >= MAX_VIEW_DEPTH)
      throw validationError(
        `Views nested more than ${MAX_VIEW_DEPTH} deep (a view that refers to itself?)`,
        ref.pos,
      );
    const bound = rebind(
      () => new QueryBinder(this.ctx, new Map(), this.depth + 1).bindQuery(view.query),
      view,
    );
    return view.columnNames
      ? renameColumns(
          bound,
          view.columnNames.map((n) => ({ kind: 'Ident' as const, value: n, pos: ref.pos })),
          ref.name,
        )
      : bound;
  }
}

/**
 * The table's `WATERMARK FOR rowtime AS expr` after its scan (and computed columns), whose row is
 * the table's columns in order: the expression is bound over them, and the rowtime column becomes
 * a ROWTIME attribute.
 */
function watermarkAssigner(input: LogicalNode, table: CatalogTable): LogicalNode {
  const watermark = table.watermark!;
  const rowtimeIndex = input.rowType.fields.findIndex((f) => f.name === watermark.column);
  const scope = new Scope(input.rowType.fields.map((f) => ({ name: f.name, type: f.type })));
  const watermarkExpr = rebind(() => new ExprBinder(scope).bind(watermark.expr), table);
  return {
    kind: 'LogicalWatermarkAssigner',
    input,
    rowtimeIndex,
    watermarkExpr,
    rowType: {
      fields: input.rowType.fields.map((f, i) =>
        i === rowtimeIndex ? { ...f, type: { ...f.type, timeAttribute: 'ROWTIME' as const } } : f,
      ),
    },
  };
}

/** The columns `*` or `t.*` stands for, with their input indexes. */
function starFields(item: A.SelectStar, fields: readonly Field[]): { f: Field; i: number }[] {
  const qualifier = item.qualifier?.map((q) => q.value).join('.');
  const matching = fields
    .map((f, i) => ({ f, i }))
    .filter(({ f }) => !f.hidden && (!qualifier || f.qualifier === qualifier));
  if (qualifier && matching.length === 0)
    throw validationError(`Table '${qualifier}' not found`, item.qualifier![0].pos);
  return matching;
}

/** The name a SELECT item gives its column: the alias, or a column's own name. */
function itemName(item: A.SelectExpr): string | undefined {
  return (
    item.alias?.value ??
    (item.expr.kind === 'ColumnRef' ? item.expr.parts[item.expr.parts.length - 1].value : undefined)
  );
}

const withoutTimeAttribute = (t: LogicalType): LogicalType =>
  t.timeAttribute ? { ...t, timeAttribute: undefined } : t;

/** Runs a binding of text from another statement (a view body, a computed column), locating its errors there. */
function rebind<T>(f: () => T, object: CatalogTable | CatalogView): T {
  try {
    return f();
  } catch (err) {
    if (isWeirError(err) && err.source === undefined)
      throw err.withSource(object.source.text, object.source.file);
    throw err;
  }
}

function renameColumns(bound: BoundQuery, columns: readonly A.Ident[] | undefined, at: A.Node): BoundQuery {
  if (!columns) return bound;
  if (columns.length !== bound.fields.length) {
    throw validationError(
      `List of column aliases must have same degree as table; the query has ${bound.fields.length} columns, the list ${columns.length}`,
      at.pos,
    );
  }
  const names = columns.map((c) => c.value);
  return {
    node: logicalProject(
      bound.node,
      bound.fields.map((f, i) => inputRef(i, f.type)),
      names,
    ),
    fields: bound.fields.map((f, i) => ({ ...f, name: names[i] })),
  };
}

/** Calcite's uniquify: a repeated name gets the first free numeric suffix (a, a0, a1 …). */
export function uniquify(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let i = 0; used.has(candidate); i++) candidate = `${name}${i}`;
    used.add(candidate);
    return candidate;
  });
}

/** The one-row table a SELECT without FROM reads, as Calcite's `VALUES (0)`; its column is hidden by name. */
function oneRowValues(pos: A.Pos): A.TableRef {
  return {
    kind: 'SubqueryRef',
    query: { kind: 'Values', rows: [[{ kind: 'NumericLiteral', text: '0', pos }]], pos },
    alias: { kind: 'Ident', value: '$values', pos },
    columns: [{ kind: 'Ident', value: '$zero', pos }],
    pos,
  };
}
