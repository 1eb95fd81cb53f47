import { Configuration, validateSetting } from '../common/config.js';
import type { ConnectorDescriptor } from '../common/connector.js';
import { isWeirError, WeirError } from '../common/errors.js';
import type { JobGraph } from '../common/jobgraph.js';
import { CORE_OPTIONS } from '../common/options.js';
import { formatType, type RowType } from '../common/types.js';
import { bindCreateFunction } from './binder/create-function.js';
import { bindCreateTable } from './binder/ddl.js';
import { withUserFunctions } from './binder/functions.js';
import type { BinderContext } from './binder/query.js';
import { QueryBinder } from './binder/query.js';
import { mergeTableLike } from './binder/table-like.js';
import { Catalog, type CatalogObject } from './catalog/catalog.js';
import { FunctionCatalog } from './catalog/functions.js';
import { explainPlan } from './explain.js';
import type * as A from './parser/ast.js';
import { isSensitiveKey, printExpr } from './parser/printer.js';
import { type ParsedStatement, parseScript } from './parser/script.js';
import { jobGraphOf, type Plan, planInsert, planQuery, planSelect } from './planner.js';

/** What executing one statement produced; the CLI decides how to show it. */
export type StatementResult =
  | { readonly kind: 'ok'; readonly message: string }
  | {
      readonly kind: 'job';
      readonly jobGraph: JobGraph;
      readonly name: string;
      /** Set for a bare SELECT: its rows go to the client (the 'collect' connector), in these columns. */
      readonly resultColumns?: readonly string[];
    }
  | { readonly kind: 'explain'; readonly text: string }
  | {
      readonly kind: 'rows';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
    };

export interface SqlSessionOptions {
  readonly connectors: readonly ConnectorDescriptor[];
  /** Initial session configuration (e.g. from -D flags); RESET returns to it. */
  readonly config?: Configuration;
}

/** Flink SQL client's message for a statement that succeeded without a result. */
export const STATEMENT_SUCCEEDED = '[INFO] Execute statement succeeded.';

/**
 * A SQL session like Flink's TableEnvironment behind the SQL client: a catalog, a configuration
 * changed by SET/RESET, and statements executed one at a time. INSERT yields a JobGraph whose
 * config is a snapshot of the session configuration at that moment.
 */
export class SqlSession {
  readonly catalog = new Catalog();
  /** User-defined functions (CREATE FUNCTION). */
  readonly functions = new FunctionCatalog(this.catalog);
  readonly config: Configuration;
  private readonly initialConfig: Configuration;
  private readonly connectors: ReadonlyMap<string, ConnectorDescriptor>;

  constructor(options: SqlSessionOptions) {
    this.connectors = new Map(options.connectors.map((c) => [c.identifier, c]));
    this.initialConfig = options.config?.clone() ?? new Configuration();
    this.config = this.initialConfig.clone();
  }

  private get context(): BinderContext {
    return { catalog: this.catalog, connectors: this.connectors, config: this.config };
  }

  /** Splits and parses a script; syntax errors are WeirErrors located in the script (and file). */
  parseScript(text: string, file?: string): ParsedStatement[] {
    return parseScript(text, file);
  }

  /** Executes one parsed statement; its errors point into the script it was parsed from. */
  execute(statement: ParsedStatement): StatementResult {
    try {
      return withUserFunctions(this.functions, () => this.executeStatement(statement.ast, statement));
    } catch (err) {
      if (isWeirError(err) && err.source === undefined)
        throw err.withSource(statement.script.text, statement.script.file);
      throw err;
    }
  }

  /** EXPLAIN of an INSERT or query statement, as `EXPLAIN <statement>` would print it. */
  explain(statement: ParsedStatement, options: { changelogMode?: boolean } = {}): string {
    const ast = statement.ast;
    if (ast.kind !== 'Insert' && ast.kind !== 'QueryStatement') {
      throw new WeirError('SQL_UNSUPPORTED', 'Only INSERT and SELECT statements can be explained', {
        position: { ...ast.pos, length: 1 },
      }).withSource(statement.script.text, statement.script.file);
    }
    const explainAst: A.Explain = {
      kind: 'Explain',
      statement: ast,
      details: options.changelogMode ? ['CHANGELOG_MODE'] : [],
      pos: ast.pos,
    };
    const result = this.execute({ ...statement, ast: explainAst });
    return result.kind === 'explain' ? result.text : '';
  }

  /** Parses and executes every statement of a script, in order, stopping at the first error. */
  executeScript(text: string, file?: string): StatementResult[] {
    return this.parseScript(text, file).map((s) => this.execute(s));
  }

  /** The INSERTs of an open `BEGIN STATEMENT SET` (planned as they are added), until `END`. */
  private statementSet?: Plan[];

  /** Whether `BEGIN STATEMENT SET` is open, so the client can say so at its prompt. */
  get inStatementSet(): boolean {
    return this.statementSet !== undefined;
  }

  private executeStatement(ast: A.Statement, statement: ParsedStatement): StatementResult {
    if (this.statementSet && ast.kind !== 'Insert' && ast.kind !== 'EndStatementSet')
      throw new WeirError('SQL_VALIDATION', 'Only INSERT statements are allowed in a statement set', {
        position: { ...ast.pos, length: 1 },
        hint: "END; submits the statement set's INSERTs as one job.",
      });
    switch (ast.kind) {
      case 'CreateTable': {
        if (ast.asQuery) return this.createTableAsSelect(ast, ast.asQuery, statement);
        const id = this.catalog.qualify(ast.name);
        const ddl = ast.like ? mergeTableLike(ast, this.catalog.lookup(ast.like.source)) : ast;
        const table = bindCreateTable(ddl, id, this.connectors, statement.script);
        this.catalog.create(table, ast.ifNotExists, ast.name.pos);
        return ok();
      }
      case 'CreateView':
        return this.createView(ast, statement);
      case 'AlterTable':
        return this.alterTable(ast, statement);
      case 'Use':
        this.catalog.use(ast.name, ast.catalog);
        return ok();
      case 'DropObject':
        if (ast.object === 'FUNCTION')
          this.functions.drop(ast.name, ast.temporary, ast.system === true, ast.ifExists);
        else
          this.catalog.drop(ast.object === 'TABLE' ? 'table' : 'view', ast.name, ast.temporary, ast.ifExists);
        return ok();
      case 'SetStatement':
        return this.set(ast);
      case 'ResetStatement':
        if (ast.key) this.config.reset(ast.key.value);
        else for (const [k] of this.config.entries()) this.config.reset(k);
        if (!ast.key) for (const [k, v] of this.initialConfig.entries()) this.config.set(k, v);
        else if (this.initialConfig.getRaw(ast.key.value) !== undefined)
          this.config.set(ast.key.value, this.initialConfig.getRaw(ast.key.value)!);
        return ok();
      case 'Insert': {
        const plan = planInsert(ast, this.context);
        if (this.statementSet) {
          this.statementSet.push(plan);
          return ok('[INFO] Add SQL update statement to the statement set.');
        }
        const jobGraph = jobGraphOf(plan, this.config);
        return { kind: 'job', jobGraph, name: jobGraph.jobName };
      }
      case 'StatementSet': {
        const jobGraph = jobGraphOf(
          ast.inserts.map((insert) => planInsert(insert, this.context)),
          this.config,
        );
        return { kind: 'job', jobGraph, name: jobGraph.jobName };
      }
      case 'BeginStatementSet':
        this.statementSet = [];
        return ok('[INFO] Begin a statement set.');
      case 'EndStatementSet': {
        const plans = this.statementSet;
        if (!plans)
          throw new WeirError('SQL_VALIDATION', 'END without a statement set to end', {
            position: ast.pos,
            hint: 'BEGIN STATEMENT SET; starts one.',
          });
        this.statementSet = undefined;
        if (plans.length === 0) return ok('[INFO] No statement in the statement set, skip submit.');
        const jobGraph = jobGraphOf(plans, this.config);
        return { kind: 'job', jobGraph, name: jobGraph.jobName };
      }
      case 'QueryStatement': {
        const plan = planSelect(ast.query, this.context, statement.script, ast.pos);
        const jobGraph = jobGraphOf(plan, this.config);
        const columns = plan.logical.rowType.fields.map((f) => f.name);
        return { kind: 'job', jobGraph, name: jobGraph.jobName, resultColumns: columns };
      }
      case 'Explain': {
        const plan =
          ast.statement.kind === 'Insert'
            ? planInsert(ast.statement, this.context)
            : planQuery(ast.statement.query, this.context);
        return {
          kind: 'explain',
          text: explainPlan(plan.logical, plan.physical, {
            changelogMode: ast.details.includes('CHANGELOG_MODE'),
          }),
        };
      }
      case 'ShowTables':
        return {
          kind: 'rows',
          columns: [ast.views ? 'view name' : 'table name'],
          rows: this.catalog.names(undefined, undefined, ast.views ? 'view' : undefined).map((n) => [n]),
        };
      case 'Describe':
        return describe(this.catalog.lookup(ast.name));
      case 'CreateFunction':
        this.functions.create(
          bindCreateFunction(ast, this.catalog, statement.script.file),
          ast.ifNotExists,
          ast.pos,
        );
        return ok();
      default: {
        const never: never = ast;
        return never;
      }
    }
  }

  /**
   * CTAS, as Flink runs it: the table is created with the query's columns (time attributes become
   * plain timestamps) and the connector options given, and the statement is the job that fills it.
   */
  private createTableAsSelect(
    ast: A.CreateTable,
    query: A.Query,
    statement: ParsedStatement,
  ): StatementResult {
    const bound = new QueryBinder(this.context).bindQuery(query);
    const columns: A.ColumnDef[] = bound.fields.map((f) => ({
      kind: 'PhysicalColumn',
      name: { kind: 'Ident', value: f.name, pos: f.pos },
      type: { kind: 'DataType', type: { ...f.type, timeAttribute: undefined }, pos: f.pos },
      pos: f.pos,
    }));
    const ddl: A.CreateTable = { ...ast, columns, asQuery: undefined };
    const table = bindCreateTable(ddl, this.catalog.qualify(ast.name), this.connectors, statement.script);
    this.catalog.create(table, ast.ifNotExists, ast.name.pos);
    const plan = planInsert(
      { kind: 'Insert', overwrite: false, table: ast.name, query, pos: ast.pos },
      this.context,
    );
    const jobGraph = jobGraphOf(plan, this.config);
    return { kind: 'job', jobGraph, name: jobGraph.jobName };
  }

  /**
   * ALTER TABLE … SET / RESET options, validated as CREATE TABLE validates them, or RENAME TO. Jobs
   * already running keep the table as they planned it, as in Flink.
   */
  private alterTable(ast: A.AlterTable, statement: ParsedStatement): StatementResult {
    const object = this.catalog.lookup(ast.name);
    if (object.kind !== 'table')
      throw new WeirError(
        'SQL_VALIDATION',
        `ALTER TABLE for a view is not allowed: '${object.identifier.name}' is a view`,
        {
          position: ast.name.pos,
          hint: 'drop the view and create it again',
        },
      );
    const action = ast.action;
    if (action.kind === 'rename') {
      this.catalog.rename(object, action.to);
      return ok();
    }
    const kept =
      action.kind === 'set'
        ? object.ddl.options.filter((o) => !action.options.some((n) => n.key === o.key))
        : object.ddl.options.filter((o) => !action.keys.some((k) => k.value === o.key));
    for (const k of action.kind === 'reset' ? action.keys : []) {
      if (k.value === 'connector')
        throw new WeirError(
          'SQL_VALIDATION',
          "ALTER TABLE RESET does not support changing or resetting the 'connector' option",
          {
            position: k.pos,
          },
        );
    }
    const options = action.kind === 'set' ? [...kept, ...action.options] : kept;
    const table = bindCreateTable(
      { ...object.ddl, options },
      object.identifier,
      this.connectors,
      statement.script,
    );
    this.catalog.replace({ ...table, temporary: object.temporary });
    return ok();
  }

  private createView(ast: A.CreateView, statement: ParsedStatement): StatementResult {
    const identifier = this.catalog.qualify(ast.name);
    let schema: RowType | undefined;
    try {
      const bound = new QueryBinder(this.context).bindQuery(ast.query);
      schema = { fields: bound.fields.map((f) => ({ name: f.name, type: f.type })) };
    } catch (err) {
      // A view may use what cannot be planned yet; it is reported when the view is used.
      if (!(isWeirError(err) && err.code === 'SQL_UNSUPPORTED')) throw err;
      schema = undefined;
    }
    if (ast.columns && schema && ast.columns.length !== schema.fields.length) {
      throw new WeirError(
        'SQL_VALIDATION',
        `List of column aliases must have same degree as table; the query has ${schema.fields.length} columns, the list ${ast.columns.length}`,
        { position: ast.name.pos },
      );
    }
    const names = ast.columns?.map((c) => c.value);
    this.catalog.create(
      {
        kind: 'view',
        identifier,
        temporary: ast.temporary,
        query: ast.query,
        columnNames: names,
        schema:
          schema && names ? { fields: schema.fields.map((f, i) => ({ ...f, name: names[i] })) } : schema,
        comment: ast.comment,
        source: statement.script,
      },
      ast.ifNotExists,
      ast.name.pos,
    );
    return ok();
  }

  private set(ast: A.SetStatement): StatementResult {
    if (!ast.key || !ast.value) {
      const rows = this.config
        .entries()
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, isSensitiveKey(k) ? '******' : v]);
      return { kind: 'rows', columns: ['key', 'value'], rows };
    }
    try {
      validateSetting(CORE_OPTIONS, ast.key.value, ast.value.value);
    } catch (err) {
      if (!isWeirError(err)) throw err;
      const at = err.code === 'CONFIG_UNKNOWN_KEY' ? ast.key.pos : ast.value.pos;
      throw new WeirError(err.code, err.message, { position: at, hint: err.hint });
    }
    this.config.set(ast.key.value, ast.value.value);
    return ok();
  }
}

function ok(message = STATEMENT_SUCCEEDED): StatementResult {
  return { kind: 'ok', message };
}

/** DESCRIBE as Flink prints it: name, type, null, key, extras, watermark. */
function describe(object: CatalogObject): StatementResult {
  const columns = ['name', 'type', 'null', 'key', 'extras', 'watermark'];
  if (object.kind === 'view') {
    if (!object.schema)
      throw new WeirError(
        'SQL_UNSUPPORTED',
        `DESCRIBE of view '${object.identifier.name}', whose query cannot be planned yet, is not supported yet`,
      );
    return {
      kind: 'rows',
      columns,
      rows: object.schema.fields.map((f) => [
        f.name,
        formatType({ ...f.type, nullable: true }),
        String(f.type.nullable).toUpperCase(),
        '',
        '',
        '',
      ]),
    };
  }
  const key = object.primaryKey;
  const rows = object.columns.map((c) => {
    const field = object.schema.fields.find((f) => f.name === c.name)!;
    const extras =
      c.kind === 'computed'
        ? `AS ${printExpr(c.expr!)}`
        : c.kind === 'metadata'
          ? `METADATA${c.metadataKey !== c.name ? ` FROM '${c.metadataKey}'` : ''}${c.virtual ? ' VIRTUAL' : ''}`
          : '';
    return [
      c.name,
      formatType({ ...field.type, nullable: true }),
      field.type.nullable ? 'TRUE' : 'FALSE',
      key?.columns.includes(c.name) ? `PRI(${key.columns.join(', ')})` : '',
      extras,
      object.watermark?.column === c.name ? printExpr(object.watermark.expr) : '',
    ];
  });
  return { kind: 'rows', columns, rows };
}
