import { call, type Expr, type Literal, literal } from '../../common/expr.js';
import { type LogicalType, withNullability } from '../../common/types.js';
import { isDecimal, isExactInteger, isNull, isNumeric, needsConversion } from './types.js';

/** Implicit conversions the planner inserts, folded into literals when that is exact. */

const pow10 = (n: number) => 10n ** BigInt(n);

/** Converts a literal at plan time when that is exact; otherwise undefined. */
function convertLiteral(e: Literal, to: LogicalType): Literal | undefined {
  const t = withNullability(to, e.type.nullable);
  if (e.value === null) return literal(null, withNullability(to, true));
  if (isDecimal(to) && isExactInteger(e.type))
    return literal((BigInt(e.value as number) * pow10(to.scale!)).toString(), t);
  if (isDecimal(to) && isDecimal(e.type) && to.scale! >= e.type.scale!)
    return literal((BigInt(e.value as string) * pow10(to.scale! - e.type.scale!)).toString(), t);
  if ((to.root === 'DOUBLE' || to.root === 'FLOAT') && isDecimal(e.type))
    return literal(Number(e.value as string) / 10 ** e.type.scale!, t);
  if ((to.root === 'DOUBLE' || to.root === 'FLOAT') && isNumeric(e.type)) return literal(e.value, t);
  return undefined;
}

/** `e` as a value of type `to` (keeping e's nullability), with a CAST only where one is needed. */
export function convert(e: Expr, to: LogicalType): Expr {
  if (e.kind === 'literal' && isNull(e.type)) return literal(null, withNullability(to, true));
  if (!needsConversion(e.type, to)) return e;
  if (e.kind === 'literal') {
    const folded = convertLiteral(e, to);
    if (folded) return folded;
  }
  return call('CAST', [e], withNullability(to, e.type.nullable));
}
