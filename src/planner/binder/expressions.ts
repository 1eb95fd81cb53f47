import type { WeirError } from '../../common/errors.js';
import { type Call, call, type Expr, inputRef, literal } from '../../common/expr.js';
import { type LogicalType, Types, withNullability } from '../../common/types.js';
import type * as A from '../parser/ast.js';
import { convert } from './coerce.js';
import { typeText, unsupported, validationError } from './errors.js';
import { bindFunction } from './functions.js';
import { intervalLiteral, numericLiteral, stringLiteral, typedLiteral } from './literals.js';
import type { Scope } from './scope.js';
import {
  asDecimal,
  commonType,
  isBoolean,
  isCharacter,
  isDecimal,
  isInterval,
  isNull,
  isNumeric,
  isTemporal,
  numericResultType,
  supportsExplicitCast,
} from './types.js';

/**
 * Binds AST expressions to the planner's resolved, typed `Expr`s: names become input indexes,
 * every call gets its result type by Flink's rules, and operands are converted where their runtime
 * representation differs. Guarantees the runtime can rely on:
 * - the operands of comparisons, IN and BETWEEN have one common type (up to string length and
 *   timestamp precision); DECIMAL operands share a scale;
 * - arithmetic never mixes DECIMAL with another numeric type (integers are cast to DECIMAL, a
 *   DECIMAL meeting FLOAT/DOUBLE is cast to DOUBLE); integer-only arithmetic may mix integer widths;
 * - CASE results, COALESCE arguments and IN items are converted to the call's type.
 */

const ORDERED_ONLY = new Set(['<', '<=', '>', '>=']);

export class ExprBinder {
  constructor(private readonly scope: Scope) {}

  bind(node: A.Expr): Expr {
    switch (node.kind) {
      case 'ColumnRef': {
        const { index, field, path } = this.scope.resolve(node);
        return path.reduce<Expr>(
          (row, step) => call('GET_FIELD', [row, literal(step.index, Types.INT(false))], step.type),
          inputRef(index, field.type),
        );
      }
      case 'NumericLiteral':
        return numericLiteral(node);
      case 'StringLiteral':
        return stringLiteral(node);
      case 'BooleanLiteral':
        return literal(node.value, Types.BOOLEAN(false));
      case 'NullLiteral':
        return literal(null, Types.NULL());
      case 'IntervalLiteral':
        return intervalLiteral(node);
      case 'TypedLiteral':
        return typedLiteral(node);
      case 'UnaryExpr':
        return this.unary(node);
      case 'BinaryExpr':
        return this.binary(node);
      case 'IsExpr':
        return this.is(node);
      case 'InExpr':
        return this.in(node);
      case 'BetweenExpr':
        return this.between(node);
      case 'LikeExpr':
        return this.like(node);
      case 'CastExpr':
        return this.cast(node);
      case 'CaseExpr':
        return this.caseExpr(node);
      // A subquery is planned as a join where it is a conjunct of WHERE (binder/subquery.ts); anywhere else it is not supported.
      case 'InSubqueryExpr':
      case 'ExistsExpr':
        throw unsupported(
          `${node.kind === 'ExistsExpr' ? 'EXISTS' : 'IN'} subquery outside a conjunct of the WHERE clause`,
          node.pos,
          'write it as a condition of WHERE, joined to the rest with AND',
        );
      case 'ScalarSubquery':
        throw unsupported(
          'A scalar subquery here (only WHERE and the SELECT list of a query without GROUP BY take one)',
          node.pos,
          'join with the subquery in FROM instead (e.g. a single-row aggregate)',
        );
      case 'OverCall':
        throw unsupported(
          `OVER window (${node.call.name.value.toUpperCase()} … OVER)`,
          node.pos,
          'Flink runs it as an OverAggregate or, for ROW_NUMBER with a filter on it, a Rank; weir has neither operator yet',
        );
      case 'TableArg':
        throw validationError(
          `'TABLE ${node.name.parts.map((p) => p.value).join('.')}' can only be an argument of a table function in FROM`,
          node.pos,
        );
      case 'FunctionCall':
        return bindFunction(
          node,
          node.args.map((a) => this.bind(a)),
        );
      default: {
        const never: never = node;
        return never;
      }
    }
  }

  /** A boolean condition (WHERE, CASE WHEN, AND/OR operands). */
  bindCondition(node: A.Expr, what: string): Expr {
    const e = this.bind(node);
    if (!isBoolean(e.type) && !isNull(e.type))
      throw validationError(`${what} must be a condition, not ${typeText(e.type)}`, node.pos);
    return isNull(e.type) ? literal(null, Types.BOOLEAN()) : e;
  }

  private unary(node: A.UnaryExpr): Expr {
    const operand = this.bind(node.operand);
    const t = operand.type;
    switch (node.op) {
      case 'NOT': {
        if (!isBoolean(t) && !isNull(t))
          throw validationError(`Cannot apply 'NOT' to an argument of type ${typeText(t)}`, node.pos);
        return call('NOT', [convert(operand, Types.BOOLEAN())], Types.BOOLEAN(t.nullable));
      }
      case '-':
      case '+': {
        if (!isNumeric(t) && !isInterval(t) && !isNull(t))
          throw validationError(`Cannot apply '${node.op}' to an argument of type ${typeText(t)}`, node.pos);
        if (node.op === '+') return operand;
        if (operand.kind === 'literal' && typeof operand.value === 'number')
          return literal(-operand.value, operand.type);
        if (operand.kind === 'literal' && typeof operand.value === 'string' && isDecimal(t))
          return literal((-BigInt(operand.value)).toString(), operand.type);
        return call('NEG', [operand], isNull(t) ? Types.INT() : t);
      }
      default: {
        const never: never = node.op;
        return never;
      }
    }
  }

  private binary(node: A.BinaryExpr): Expr {
    const left = this.bind(node.left);
    const right = this.bind(node.right);
    const mismatch = () =>
      validationError(
        `Cannot apply '${node.op}' to arguments of type ${typeText(left.type)} and ${typeText(right.type)}`,
        node.pos,
      );
    const nullable = left.type.nullable || right.type.nullable;
    switch (node.op) {
      case 'AND':
      case 'OR': {
        const ok = (t: LogicalType) => isBoolean(t) || isNull(t);
        if (!ok(left.type) || !ok(right.type)) throw mismatch();
        return call(
          node.op,
          [convert(left, Types.BOOLEAN()), convert(right, Types.BOOLEAN())],
          Types.BOOLEAN(nullable),
        );
      }
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        return this.comparison(node.op, left, right, mismatch);
      case '||': {
        const ok = (t: LogicalType) => isCharacter(t) || isNull(t);
        if (!ok(left.type) || !ok(right.type)) throw mismatch();
        const length = Math.min((left.type.length ?? 0) + (right.type.length ?? 0), 2147483647);
        const bothChar = left.type.root === 'CHAR' && right.type.root === 'CHAR';
        const type = bothChar ? Types.CHAR(length, nullable) : Types.VARCHAR(Math.max(length, 1), nullable);
        return call('||', [convert(left, Types.STRING()), convert(right, Types.STRING())], type);
      }
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
        return this.arithmetic(node.op, left, right, mismatch);
      default: {
        const never: never = node.op;
        return never;
      }
    }
  }

  private comparison(op: string, left: Expr, right: Expr, mismatch: () => WeirError): Call {
    const common = commonType(left.type, right.type);
    if (!common) throw mismatch();
    if (ORDERED_ONLY.has(op) && ['ARRAY', 'MAP', 'MULTISET', 'ROW'].includes(common.root)) throw mismatch();
    return call(
      op,
      [convert(left, common), convert(right, common)],
      Types.BOOLEAN(left.type.nullable || right.type.nullable),
    );
  }

  private arithmetic(
    op: '+' | '-' | '*' | '/' | '%',
    left: Expr,
    right: Expr,
    mismatch: () => WeirError,
  ): Expr {
    let l = left;
    let r = right;
    // An untyped NULL takes the other operand's type, as Calcite infers it.
    if (isNull(l.type) && !isNull(r.type)) l = literal(null, withNullability(r.type, true));
    if (isNull(r.type) && !isNull(l.type)) r = literal(null, withNullability(l.type, true));
    if (isNull(l.type) && isNull(r.type)) return literal(null, Types.INT());
    const numeric = numericResultType(op, l.type, r.type);
    if (numeric) {
      if (isDecimal(numeric))
        return call(op, [convert(l, asDecimal(l.type)), convert(r, asDecimal(r.type))], numeric);
      if (numeric.root === 'DOUBLE' || numeric.root === 'FLOAT') {
        const toApprox = (e: Expr) => (isDecimal(e.type) ? convert(e, Types.DOUBLE()) : e);
        return call(op, [toApprox(l), toApprox(r)], numeric);
      }
      return call(op, [l, r], numeric);
    }
    const nullable = l.type.nullable || r.type.nullable;
    const [a, b] = [l.type, r.type];
    if ((op === '+' || op === '-') && isTemporal(a) && isInterval(b) && a.root !== 'TIME')
      return call(op, [l, r], withNullability(a, nullable));
    if (op === '+' && isInterval(a) && isTemporal(b) && b.root !== 'TIME')
      return call(op, [r, l], withNullability(b, nullable));
    if ((op === '+' || op === '-') && isInterval(a) && a.root === b.root)
      return call(op, [l, r], withNullability(a, nullable));
    if ((op === '*' || op === '/') && isInterval(a) && isNumeric(b))
      return call(op, [l, r], withNullability(a, nullable));
    if (op === '*' && isNumeric(a) && isInterval(b)) return call(op, [r, l], withNullability(b, nullable));
    throw mismatch();
  }

  private is(node: A.IsExpr): Expr {
    const operand = this.bind(node.operand);
    if (node.test === 'NULL' || node.test === 'UNKNOWN') {
      if (node.test === 'UNKNOWN' && !isBoolean(operand.type) && !isNull(operand.type))
        throw validationError(
          `Cannot apply 'IS UNKNOWN' to an argument of type ${typeText(operand.type)}`,
          node.pos,
        );
      return call(node.negated ? 'IS NOT NULL' : 'IS NULL', [operand], Types.BOOLEAN(false));
    }
    if (!isBoolean(operand.type) && !isNull(operand.type))
      throw validationError(
        `Cannot apply 'IS ${node.negated ? 'NOT ' : ''}${node.test}' to an argument of type ${typeText(operand.type)}`,
        node.pos,
      );
    const fn = `IS ${node.negated ? 'NOT ' : ''}${node.test}`;
    return call(fn, [convert(operand, Types.BOOLEAN())], Types.BOOLEAN(false));
  }

  private in(node: A.InExpr): Expr {
    const value = this.bind(node.operand);
    const items = node.items.map((i) => this.bind(i));
    let common: LogicalType | undefined = value.type;
    for (let i = 0; i < items.length; i++) {
      common = commonType(common, items[i].type);
      if (!common) {
        throw validationError(
          `Values in the IN list must have a type comparable to ${typeText(value.type)}; found ${typeText(items[i].type)}`,
          node.items[i].pos,
        );
      }
    }
    const nullable = value.type.nullable || items.some((i) => i.type.nullable);
    const t = common!;
    const inCall = call(
      'IN',
      [convert(value, t), ...items.map((i) => convert(i, t))],
      Types.BOOLEAN(nullable),
    );
    return node.negated ? call('NOT', [inCall], inCall.type) : inCall;
  }

  private between(node: A.BetweenExpr): Expr {
    const value = this.bind(node.operand);
    const low = this.bind(node.low);
    const high = this.bind(node.high);
    const common = [low.type, high.type].reduce<LogicalType | undefined>(
      (acc, t) => (acc ? commonType(acc, t) : undefined),
      value.type,
    );
    if (!common)
      throw validationError(
        `Cannot apply 'BETWEEN' to arguments of type ${typeText(value.type)}, ${typeText(low.type)} and ${typeText(high.type)}`,
        node.pos,
      );
    const nullable = value.type.nullable || low.type.nullable || high.type.nullable;
    const c = call(
      'BETWEEN',
      [convert(value, common), convert(low, common), convert(high, common)],
      Types.BOOLEAN(nullable),
    );
    return node.negated ? call('NOT', [c], c.type) : c;
  }

  private like(node: A.LikeExpr): Expr {
    const args = [node.operand, node.pattern, ...(node.escape ? [node.escape] : [])].map((a) => this.bind(a));
    const bad = args.find((a) => !isCharacter(a.type) && !isNull(a.type));
    if (bad)
      throw validationError(
        `Cannot apply 'LIKE' to arguments of type ${args.map((a) => typeText(a.type)).join(', ')}`,
        node.pos,
        'LIKE compares strings; CAST other values to STRING first',
      );
    const c = call(
      'LIKE',
      args.map((a) => convert(a, Types.STRING())),
      Types.BOOLEAN(args.some((a) => a.type.nullable)),
    );
    return node.negated ? call('NOT', [c], c.type) : c;
  }

  private cast(node: A.CastExpr): Expr {
    const operand = this.bind(node.operand);
    const target = node.type.type;
    if (!supportsExplicitCast(operand.type, target)) {
      throw validationError(
        `Cannot cast ${typeText(operand.type)} to ${typeText(target)}`,
        node.pos,
        node.safe ? undefined : 'TRY_CAST does not help here: the types cannot be converted at all',
      );
    }
    if (isNull(operand.type)) return literal(null, withNullability(target, true));
    // The operand decides nullability, as in Flink: CAST(1 AS BIGINT) is BIGINT NOT NULL.
    const type = withNullability(target, node.safe || operand.type.nullable);
    return call(node.safe ? 'TRY_CAST' : 'CAST', [operand], type);
  }

  private caseExpr(node: A.CaseExpr): Expr {
    const conditions: Expr[] = [];
    if (node.operand) {
      // The simple form `CASE x WHEN v …` becomes the searched form `CASE WHEN x = v …`.
      const value = this.bind(node.operand);
      for (const w of node.whens) {
        const candidate = this.bind(w.when);
        conditions.push(
          this.comparison('=', value, candidate, () =>
            validationError(
              `Cannot compare CASE value of type ${typeText(value.type)} with WHEN value of type ${typeText(candidate.type)}`,
              w.when.pos,
            ),
          ),
        );
      }
    } else {
      for (const w of node.whens) conditions.push(this.bindCondition(w.when, 'A WHEN clause'));
    }
    const results = node.whens.map((w) => this.bind(w.result));
    const otherwise = node.else ? this.bind(node.else) : undefined;
    const all = otherwise ? [...results, otherwise] : results;
    let type: LogicalType | undefined = all[0].type;
    for (let i = 1; i < all.length; i++) {
      const next = commonType(type!, all[i].type);
      if (!next) {
        const at = i < results.length ? node.whens[i].result.pos : node.else!.pos;
        throw validationError(
          `CASE results have incompatible types ${typeText(type!)} and ${typeText(all[i].type)}`,
          at,
        );
      }
      type = next;
    }
    if (isNull(type!))
      throw validationError('CASE results cannot all be NULL', node.pos, 'CAST one of them to a type');
    const resultType = withNullability(type!, !otherwise || all.some((e) => e.type.nullable));
    const args: Expr[] = [];
    for (let i = 0; i < conditions.length; i++) args.push(conditions[i], convert(results[i], resultType));
    if (otherwise) args.push(convert(otherwise, resultType));
    return call('CASE', args, resultType);
  }
}

/** Whether an expression is a plain reference to input column `index`. */
export function isInputRef(e: Expr, index: number): boolean {
  return e.kind === 'input' && e.index === index;
}
