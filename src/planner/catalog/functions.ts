import { didYouMean, WeirError } from '../../common/errors.js';
import type { LogicalType } from '../../common/types.js';
import type { UdfRef } from '../../common/udf.js';
import type { Pos, QualifiedName } from '../parser/ast.js';
import { type Catalog, identifierText, type ObjectIdentifier } from './catalog.js';

/**
 * The session's user-defined functions, resolved as Flink resolves a function name: temporary
 * system functions first, then built-in functions, then temporary catalog functions, then catalog
 * functions. Function names are case-insensitive (Flink normalizes them to lower case).
 */

export interface CatalogFunction {
  /** Lower case, as Flink stores it. */
  readonly name: string;
  /** Undefined for a TEMPORARY SYSTEM function, which belongs to no catalog or database. */
  readonly identifier?: ObjectIdentifier;
  readonly temporary: boolean;
  readonly ref: UdfRef;
  readonly resultType: LogicalType;
  readonly argumentTypes?: readonly LogicalType[];
  readonly deterministic: boolean;
  /** The identifier written in CREATE FUNCTION ('./f.js', 'com.acme.F') and its language. */
  readonly className: string;
  readonly language: string;
}

const keyOf = (id: ObjectIdentifier) => `${id.catalog}.${id.database}.${id.name.toLowerCase()}`;

export class FunctionCatalog {
  private readonly system = new Map<string, CatalogFunction>();
  private readonly temporary = new Map<string, CatalogFunction>();
  private readonly permanent = new Map<string, CatalogFunction>();

  constructor(private readonly tables: Catalog) {}

  /** Adds a function; false when it existed and IF NOT EXISTS let the statement succeed. */
  create(fn: CatalogFunction, ifNotExists: boolean, pos: Pos): boolean {
    const [store, key, exists] = fn.identifier
      ? fn.temporary
        ? [
            this.temporary,
            keyOf(fn.identifier),
            `Could not register temporary catalog function. A function '${identifierText(fn.identifier)}' does already exist.`,
          ]
        : [
            this.permanent,
            keyOf(fn.identifier),
            `Function ${fn.identifier.database}.${fn.name} already exists in Catalog ${fn.identifier.catalog}.`,
          ]
      : [
          this.system,
          fn.name,
          `Could not register temporary system function. A function named '${fn.name}' does already exist.`,
        ];
    if (store.has(key)) {
      if (ifNotExists) return false;
      throw new WeirError('SQL_VALIDATION', exists, {
        position: pos,
        hint: 'use CREATE FUNCTION IF NOT EXISTS to keep the existing one, or DROP FUNCTION first',
      });
    }
    store.set(key, fn);
    return true;
  }

  /** Removes a function; false when it did not exist and IF EXISTS let the statement succeed. */
  drop(name: QualifiedName, temporary: boolean, system: boolean, ifExists: boolean): boolean {
    const simple = name.parts[name.parts.length - 1].value.toLowerCase();
    if (system && name.parts.length > 1)
      throw new WeirError('SQL_VALIDATION', 'A temporary system function has no catalog or database', {
        position: name.pos,
      });
    const id = system ? undefined : this.tables.qualify(name);
    const store = system ? this.system : temporary ? this.temporary : this.permanent;
    const key = id ? keyOf(id) : simple;
    if (store.delete(key)) return true;
    if (ifExists) return false;
    const what = system
      ? `Temporary system function ${simple}`
      : temporary
        ? `Temporary catalog function ${identifierText(id!)}`
        : `Function ${identifierText(id!)}`;
    const guess = didYouMean(simple, this.names());
    throw new WeirError('SQL_VALIDATION', `${what} doesn't exist`, {
      position: name.pos,
      hint: guess ? `did you mean '${guess}'?` : 'SHOW USER FUNCTIONS lists the functions created',
    });
  }

  /** A TEMPORARY SYSTEM function of that name: it shadows a built-in function. */
  systemFunction(name: string): CatalogFunction | undefined {
    return this.system.get(name.toLowerCase());
  }

  /** A temporary or permanent function of the current catalog and database. */
  catalogFunction(name: string): CatalogFunction | undefined {
    const key = `${this.tables.currentCatalog}.${this.tables.currentDatabase}.${name.toLowerCase()}`;
    return this.temporary.get(key) ?? this.permanent.get(key);
  }

  /** Names of the user-defined functions visible by simple name, sorted (SHOW USER FUNCTIONS). */
  names(): string[] {
    const prefix = `${this.tables.currentCatalog}.${this.tables.currentDatabase}.`;
    const catalogNames = [...this.temporary.keys(), ...this.permanent.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
    return [...new Set([...this.system.keys(), ...catalogNames])].sort();
  }
}
