import { didYouMean, WeirError } from '../../common/errors.js';
import type { LogicalType } from '../../common/types.js';
import type { ColumnRef } from '../parser/ast.js';

/** A column visible to an expression: its position in the input row, name and the table it came from. */
export interface Field {
  readonly name: string;
  readonly type: LogicalType;
  /** The table name or alias that qualifies it (`t` in `t.a`). */
  readonly qualifier?: string;
}

/**
 * The columns an expression can refer to, resolved as Calcite does in Flink: case-sensitively,
 * `a` among all tables in scope, `t.a` within table (or alias) `t`.
 */
export class Scope {
  constructor(readonly fields: readonly Field[]) {}

  resolve(ref: ColumnRef): { readonly index: number; readonly field: Field } {
    const parts = ref.parts;
    if (parts.length > 2) {
      throw new WeirError('SQL_UNSUPPORTED', 'Access to nested fields is not supported yet', {
        position: ref.pos,
      });
    }
    const name = parts[parts.length - 1];
    let candidates = this.fields.map((field, index) => ({ field, index }));
    if (parts.length === 2) {
      const qualifier = parts[0];
      const qualifiers = [...new Set(this.fields.flatMap((f) => (f.qualifier ? [f.qualifier] : [])))];
      if (!qualifiers.includes(qualifier.value)) {
        const guess = didYouMean(qualifier.value, qualifiers);
        throw new WeirError('SQL_VALIDATION', `Table '${qualifier.value}' not found`, {
          position: qualifier.pos,
          hint: guess ? `did you mean '${guess}'?` : undefined,
        });
      }
      candidates = candidates.filter((c) => c.field.qualifier === qualifier.value);
    }
    const matches = candidates.filter((c) => c.field.name === name.value);
    if (matches.length === 1) return matches[0];
    if (matches.length > 1) {
      throw new WeirError('SQL_VALIDATION', `Column '${name.value}' is ambiguous`, {
        position: ref.pos,
        hint: 'qualify it with its table name or alias',
      });
    }
    const names = candidates.map((c) => c.field.name);
    const exact = names.find((n) => n.toLowerCase() === name.value.toLowerCase());
    const guess = exact ?? didYouMean(name.value, names);
    const where = parts.length === 2 ? `in table '${parts[0].value}'` : 'in any table';
    throw new WeirError('SQL_VALIDATION', `Column '${name.value}' not found ${where}`, {
      position: name.pos,
      hint: guess
        ? `did you mean '${guess}'?${exact ? ' (names are case-sensitive)' : ''}`
        : `available columns: ${names.join(', ')}`,
    });
  }
}
