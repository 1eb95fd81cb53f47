import { didYouMean, WeirError } from '../../common/errors.js';
import type { LogicalType, RowType } from '../../common/types.js';
import type { CreateTable, Expr, Pos, QualifiedName, Query } from '../parser/ast.js';
import type { ScriptSource } from '../parser/script.js';

/**
 * The session catalog: Flink's built-in `default_catalog.default_database`, in memory, holding
 * tables and views, each either permanent or temporary (a temporary object shadows a permanent
 * one of the same name, as in Flink). Names are case-sensitive, as Flink's are.
 */

export const DEFAULT_CATALOG = 'default_catalog';
export const DEFAULT_DATABASE = 'default_database';

export interface ObjectIdentifier {
  readonly catalog: string;
  readonly database: string;
  readonly name: string;
}

/** `default_catalog.default_database.orders`, as Flink prints table names in plans. */
export function identifierText(id: ObjectIdentifier): string {
  return `${id.catalog}.${id.database}.${id.name}`;
}

/** `` `default_catalog`.`default_database`.`orders` ``, as Flink quotes them in messages. */
export function quotedIdentifierText(id: ObjectIdentifier): string {
  return [id.catalog, id.database, id.name].map((p) => `\`${p}\``).join('.');
}

export interface CatalogColumn {
  readonly name: string;
  readonly type: LogicalType;
  readonly kind: 'physical' | 'computed' | 'metadata';
  /** Computed columns: the expression over the table's other columns. */
  readonly expr?: Expr;
  /** Metadata columns: the connector's metadata key (defaults to the column name). */
  readonly metadataKey?: string;
  /** Metadata columns that are read-only (not written by a sink). */
  readonly virtual?: boolean;
  readonly comment?: string;
  readonly pos: Pos;
}

export interface WatermarkSpec {
  readonly column: string;
  readonly expr: Expr;
  readonly pos: Pos;
}

export interface PrimaryKey {
  /** Flink names an unnamed key `PK_<columns>`. */
  readonly name: string;
  readonly columns: readonly string[];
}

export interface CatalogTable {
  readonly kind: 'table';
  readonly identifier: ObjectIdentifier;
  readonly temporary: boolean;
  readonly columns: readonly CatalogColumn[];
  /** Every column in order, as the table appears to a query (time attributes marked). */
  readonly schema: RowType;
  readonly primaryKey?: PrimaryKey;
  readonly watermark?: WatermarkSpec;
  readonly partitionKeys: readonly string[];
  readonly options: Readonly<Record<string, string>>;
  readonly comment?: string;
  /** The DDL it was created from and the script that held it, to point errors at its text. */
  readonly ddl: CreateTable;
  readonly source: ScriptSource;
}

export interface CatalogView {
  readonly kind: 'view';
  readonly identifier: ObjectIdentifier;
  readonly temporary: boolean;
  readonly query: Query;
  /** Column names given in CREATE VIEW v (a, b). */
  readonly columnNames?: readonly string[];
  /** The view's schema, when its query could be validated at creation. */
  readonly schema?: RowType;
  readonly comment?: string;
  readonly source: ScriptSource;
}

export type CatalogObject = CatalogTable | CatalogView;

const key = (id: ObjectIdentifier) => `${id.catalog}\u0000${id.database}\u0000${id.name}`;

function error(code: string, message: string, pos: Pos | undefined, hint?: string): WeirError {
  return new WeirError(code, message, { position: pos, hint });
}

export class Catalog {
  private readonly permanent = new Map<string, CatalogObject>();
  private readonly temporary = new Map<string, CatalogObject>();

  constructor(
    readonly currentCatalog = DEFAULT_CATALOG,
    readonly currentDatabase = DEFAULT_DATABASE,
  ) {}

  /**
   * `USE [CATALOG] name`: only Flink's built-in catalog and database exist, so this checks that the
   * name is theirs, with Flink's message otherwise.
   */
  use(name: QualifiedName, catalog: boolean): void {
    const parts = name.parts.map((p) => p.value);
    if (catalog) {
      if (parts.length !== 1 || parts[0] !== this.currentCatalog)
        throw error(
          'SQL_VALIDATION',
          `A catalog with name [${parts.join('.')}] does not exist.`,
          name.pos,
          `the only catalog is '${this.currentCatalog}'`,
        );
      return;
    }
    const [catalogName, database] =
      parts.length === 2 ? parts : [this.currentCatalog, parts[parts.length - 1]];
    if (parts.length > 2 || catalogName !== this.currentCatalog || database !== this.currentDatabase)
      throw error(
        'SQL_VALIDATION',
        catalogName !== this.currentCatalog
          ? `A catalog with name [${catalogName}] does not exist.`
          : `A database with name [${database}] does not exist in the catalog: [${catalogName}].`,
        name.pos,
        `the only database is '${this.currentCatalog}.${this.currentDatabase}'`,
      );
  }

  /** Puts a changed table (ALTER TABLE … SET / RESET) where it was. */
  replace(object: CatalogObject): void {
    (object.temporary ? this.temporary : this.permanent).set(key(object.identifier), object);
  }

  /** ALTER TABLE … RENAME TO: the table moves to the new name, which must be free. */
  rename(object: CatalogObject, to: QualifiedName): void {
    const id = this.qualify(to);
    if (this.get(id))
      throw error(
        'SQL_VALIDATION',
        `Table (or view) ${id.database}.${id.name} already exists in Catalog ${id.catalog}`,
        to.pos,
        'choose another name, or DROP that table first',
      );
    const store = object.temporary ? this.temporary : this.permanent;
    store.delete(key(object.identifier));
    store.set(key(id), { ...object, identifier: id });
  }

  /** Completes a name with the current catalog and database; only those exist for now. */
  qualify(name: QualifiedName): ObjectIdentifier {
    const parts = name.parts;
    if (parts.length > 3) {
      throw error(
        'SQL_VALIDATION',
        `Table identifier '${parts.map((p) => p.value).join('.')}' has too many parts`,
        name.pos,
        'write [catalog.][database.]table',
      );
    }
    const id: ObjectIdentifier = {
      catalog: parts.length === 3 ? parts[0].value : this.currentCatalog,
      database: parts.length >= 2 ? parts[parts.length - 2].value : this.currentDatabase,
      name: parts[parts.length - 1].value,
    };
    if (id.catalog !== this.currentCatalog) {
      const guess = didYouMean(id.catalog, [this.currentCatalog]);
      throw error(
        'SQL_VALIDATION',
        `Catalog '${id.catalog}' does not exist`,
        parts[0].pos,
        guess ? `did you mean '${guess}'?` : `the only catalog is '${this.currentCatalog}'`,
      );
    }
    if (id.database !== this.currentDatabase) {
      const dbPart = parts[parts.length - 2];
      const guess = didYouMean(id.database, [this.currentDatabase]);
      throw error(
        'SQL_VALIDATION',
        `Database '${id.database}' does not exist in catalog '${id.catalog}'`,
        dbPart.pos,
        guess ? `did you mean '${guess}'?` : `the only database is '${this.currentDatabase}'`,
      );
    }
    return id;
  }

  /** The object a name refers to: a temporary one first, as in Flink. */
  get(id: ObjectIdentifier): CatalogObject | undefined {
    return this.temporary.get(key(id)) ?? this.permanent.get(key(id));
  }

  /** Resolves a name or fails with Calcite's "Object … not found" message and a suggestion. */
  lookup(name: QualifiedName): CatalogObject {
    const id = this.qualify(name);
    const found = this.get(id);
    if (found) return found;
    const guess = didYouMean(id.name, this.names(id.catalog, id.database));
    throw error(
      'SQL_VALIDATION',
      `Object '${id.name}' not found within '${id.catalog}.${id.database}'`,
      name.parts[name.parts.length - 1].pos,
      guess ? `did you mean '${guess}'?` : 'create it first with CREATE TABLE',
    );
  }

  /** Adds a table or view; false when it existed and `ifNotExists` let the statement succeed anyway. */
  create(object: CatalogObject, ifNotExists: boolean, pos: Pos): boolean {
    const k = key(object.identifier);
    const what = object.kind === 'table' ? 'Table' : 'View';
    if (object.temporary) {
      if (this.temporary.has(k)) {
        if (ifNotExists) return false;
        throw error(
          'SQL_VALIDATION',
          `Temporary ${what.toLowerCase()} '${quotedIdentifierText(object.identifier)}' already exists`,
          pos,
          `use CREATE TEMPORARY ${what.toUpperCase()} IF NOT EXISTS to keep the existing one, or DROP TEMPORARY ${what.toUpperCase()} first`,
        );
      }
      this.temporary.set(k, object);
      return true;
    }
    if (this.permanent.has(k)) {
      if (ifNotExists) return false;
      const id = object.identifier;
      throw error(
        'SQL_VALIDATION',
        `Table (or view) ${id.database}.${id.name} already exists in Catalog ${id.catalog}`,
        pos,
        `use CREATE ${what.toUpperCase()} IF NOT EXISTS to keep the existing one, or DROP ${what.toUpperCase()} first`,
      );
    }
    this.permanent.set(k, object);
    return true;
  }

  /** Removes a table or view; false when it did not exist and `ifExists` let the statement succeed. */
  drop(kind: 'table' | 'view', name: QualifiedName, temporary: boolean, ifExists: boolean): boolean {
    const id = this.qualify(name);
    const k = key(id);
    const Kind = kind === 'table' ? 'Table' : 'View';
    const store = temporary ? this.temporary : this.permanent;
    const found = store.get(k);
    if (!found) {
      if (!temporary && this.temporary.has(k)) {
        throw error(
          'SQL_VALIDATION',
          `Temporary ${kind} with identifier '${quotedIdentifierText(id)}' exists. Drop it first before removing the permanent ${kind}`,
          name.pos,
          `use DROP TEMPORARY ${kind.toUpperCase()}`,
        );
      }
      if (ifExists) return false;
      const guess = didYouMean(id.name, this.names(id.catalog, id.database));
      throw error(
        'SQL_VALIDATION',
        `${temporary ? `Temporary ${kind}` : Kind} with identifier '${identifierText(id)}' does not exist`,
        name.pos,
        guess ? `did you mean '${guess}'?` : undefined,
      );
    }
    if (found.kind !== kind) {
      throw error(
        'SQL_VALIDATION',
        `'${identifierText(id)}' is a ${found.kind}, not a ${kind}`,
        name.pos,
        `use DROP ${found.temporary ? 'TEMPORARY ' : ''}${found.kind.toUpperCase()}`,
      );
    }
    store.delete(k);
    return true;
  }

  /** Names of all tables and views in a database, sorted, temporary ones included. */
  names(catalog = this.currentCatalog, database = this.currentDatabase, kind?: 'table' | 'view'): string[] {
    const out = new Set<string>();
    for (const store of [this.permanent, this.temporary]) {
      for (const o of store.values()) {
        if (
          o.identifier.catalog === catalog &&
          o.identifier.database === database &&
          (!kind || o.kind === kind)
        )
          out.add(o.identifier.name);
      }
    }
    return [...out].sort();
  }
}
