import { WeirError } from '../../common/errors.js';
import { formatType, type LogicalType, withNullability } from '../../common/types.js';
import type { Pos } from '../parser/ast.js';

/** A type as messages show it: without the NOT NULL a literal carries, which would only confuse. */
export function typeText(t: LogicalType): string {
  return t.root === 'NULL' ? 'NULL' : formatType(withNullability({ ...t, timeAttribute: undefined }, true));
}

export function validationError(message: string, pos: Pos, hint?: string): WeirError {
  return new WeirError('SQL_VALIDATION', message, { position: pos, hint });
}

export function unsupported(what: string, pos: Pos, hint?: string): WeirError {
  return new WeirError('SQL_UNSUPPORTED', `${what} is not supported yet`, { position: pos, hint });
}
