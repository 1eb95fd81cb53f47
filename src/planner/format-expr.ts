import type { Expr, Literal } from '../common/expr.js';
import { formatDate, formatDecimal, formatTime, formatTimestamp } from '../common/format.js';
import { formatType, withNullability } from '../common/types.js';

/**
 * Expressions as Flink's EXPLAIN prints them. `rex` is the Calcite form of the logical and
 * physical plans (`>($1, 50)` with `indexes`, `>(price, 50)` with names); `infix` is the execution
 * plan and vertex-name form (`(price > 50)`).
 */
export type ExprStyle = 'rex' | 'infix';

const INFIX = new Set(['+', '-', '*', '/', '%', '=', '<>', '<', '<=', '>', '>=', 'AND', 'OR', '||']);

function formatLiteral(e: Literal): string {
  const v = e.value;
  if (v === null) return 'null';
  switch (e.type.root) {
    case 'DECIMAL':
      return formatDecimal(BigInt(v as string), e.type.scale ?? 0);
    case 'CHAR':
    case 'VARCHAR':
      return `'${String(v).replace(/'/g, "''")}'`;
    case 'DATE':
      return `DATE '${formatDate(v as number)}'`;
    case 'TIME':
      return `TIME '${formatTime(v as number)}'`;
    case 'TIMESTAMP':
      return `TIMESTAMP '${formatTimestamp(v as number).replace('T', ' ')}'`;
    case 'TIMESTAMP_LTZ':
      return `TIMESTAMP_LTZ '${formatTimestamp(v as number).replace('T', ' ')}'`;
    case 'INTERVAL_DAY_TIME':
      return `${v}:INTERVAL DAY TO SECOND`;
    case 'INTERVAL_YEAR_MONTH':
      return `${v}:INTERVAL YEAR TO MONTH`;
    default:
      return String(v);
  }
}

export function formatExpr(e: Expr, names: (index: number) => string, style: ExprStyle): string {
  const f = (x: Expr) => formatExpr(x, names, style);
  switch (e.kind) {
    case 'input':
      return names(e.index);
    case 'literal':
      return formatLiteral(e);
    case 'call': {
      if (e.fn === 'GET_FIELD') {
        // Calcite's field access: `$3.auction` in the plans, `bid.auction` in the execution plan.
        const [row, index] = e.args;
        const field = index.kind === 'literal' ? row.type.fields?.[Number(index.value)]?.name : undefined;
        return `${f(row)}.${field ?? `$${index.kind === 'literal' ? index.value : '?'}`}`;
      }
      if (e.fn === 'CAST' || e.fn === 'TRY_CAST')
        return `${e.fn}(${f(e.args[0])} AS ${formatType(withNullability(e.type, true))})`;
      if (style === 'infix') {
        if (INFIX.has(e.fn) && e.args.length === 2) return `(${f(e.args[0])} ${e.fn} ${f(e.args[1])})`;
        if (e.fn.startsWith('IS ')) return `(${f(e.args[0])} ${e.fn})`;
        if (e.fn === 'NEG') return `-(${f(e.args[0])})`;
      }
      return `${e.fn === 'NEG' ? '-' : e.fn}(${e.args.map(f).join(', ')})`;
    }
    default: {
      const never: never = e;
      return never;
    }
  }
}
