import type { Expr } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { convertValue } from './cast.js';
import {
  type FunctionGen,
  type Gen,
  isApprox,
  isDecimalType,
  isIntegral,
  isNumericType,
  NULL_VALUE,
  scaleOf,
  unsupported,
  type Value,
} from './codegen.js';
import { comparable, compareCode, kindOf, orderCode } from './compare.js';

/**
 * Comparisons, three-valued logic and the conditional operators. AND, OR, CASE, COALESCE and IF
 * evaluate later operands only when needed, as Flink's generated code does.
 */

/** `v` (of e's type) in the representation of `to`, for branches of CASE/COALESCE/IF. */
export function asType(g: Gen, e: Expr, v: Value, to: LogicalType): Value {
  if (v.code === 'null') return v;
  const from = e.type;
  if (isNumericType(from) && isNumericType(to)) {
    const differs =
      isDecimalType(from) !== isDecimalType(to) ||
      (isDecimalType(from) && scaleOf(from) !== scaleOf(to)) ||
      (isIntegral(to) && isApprox(from)) ||
      (to.root === 'FLOAT' && from.root !== 'FLOAT');
    return differs ? convertValue(g, v, from, to) : v;
  }
  if (from.root === 'DATE' && (to.root === 'TIMESTAMP' || to.root === 'TIMESTAMP_LTZ'))
    return convertValue(g, v, from, to);
  if (
    (from.root === 'TIMESTAMP' || from.root === 'TIMESTAMP_LTZ') &&
    (to.root === 'TIMESTAMP' || to.root === 'TIMESTAMP_LTZ') &&
    from.root !== to.root
  )
    return convertValue(g, v, from, to);
  return v;
}

/** Whether values of both types are held the same way (same unit, same DECIMAL scale). */
function sameRepresentation(a: LogicalType, b: LogicalType): boolean {
  const kind = kindOf(a);
  if (kind !== kindOf(b) || kind === 'bytes' || kind === 'other') return false;
  if (kind === 'bigint') return scaleOf(a) === scaleOf(b);
  if (kind === 'number') {
    const unit = (t: LogicalType) => (isNumericType(t) ? 'number' : t.root);
    return unit(a) === unit(b);
  }
  return true;
}

function comparison(op: string): FunctionGen {
  return (g, call) => {
    const [ea, eb] = call.args;
    const c = comparable(g, ea, g.expr(ea), eb, g.expr(eb));
    return g.strict([c.a, c.b], ([x, y]) => compareCode(g, c.kind, op, x, y));
  };
}

function distinct(negate: boolean): FunctionGen {
  return (g, call) => {
    const [ea, eb] = call.args;
    const c = comparable(g, ea, g.expr(ea), eb, g.expr(eb));
    const x = c.a.code;
    const y = c.b.code;
    const same =
      !c.a.nullable && !c.b.nullable
        ? compareCode(g, c.kind, '=', x, y)
        : `(${x} == null ? ${y} == null : ${y} != null && ${compareCode(g, c.kind, '=', x, y)})`;
    return g.local(negate ? same : `!${same}`, false);
  };
}

/** AND/OR over any number of operands, short-circuiting on the deciding value. */
function junction(kind: 'AND' | 'OR'): FunctionGen {
  const decides = kind === 'AND' ? 'false' : 'true';
  const other = kind === 'AND' ? 'true' : 'false';
  return (g, call) => {
    const out = g.fresh();
    let nullable = false;
    const step = (i: number): void => {
      const v = g.expr(call.args[i]);
      if (v.nullable) nullable = true;
      if (i === 0) g.emit(`${out} = ${v.code};`);
      else if (!v.nullable) {
        // A non-null operand that does not decide leaves the result as it was (TRUE/FALSE or NULL).
        g.emit(`if (${v.code} === ${decides}) ${out} = ${decides};`);
      } else {
        g.emit(
          `${out} = ${v.code} === ${decides} ? ${decides} : ${out} === ${other} && ${v.code} === ${other} ? ${other} : null;`,
        );
      }
      if (i + 1 < call.args.length) {
        const rest = g.block(() => step(i + 1));
        g.emit(`if (${out} !== ${decides}) {\n${rest}\n}`);
      }
    };
    g.emit(`let ${out};`);
    step(0);
    // Normalise undefined inputs to NULL.
    if (nullable) g.emit(`if (${out} !== true && ${out} !== false) ${out} = null;`);
    return { code: out, nullable };
  };
}

const not: FunctionGen = (g, call) => {
  const [v] = g.args(call);
  return g.strict([v], ([x]) => `!${x}`);
};

function isTest(test: (x: string) => string): FunctionGen {
  return (g, call) => {
    const [v] = g.args(call);
    return g.local(test(v.code), false);
  };
}

const caseWhen: FunctionGen = (g, call) => {
  const args = call.args;
  const out = g.fresh();
  g.emit(`let ${out} = null;`);
  const branch = (i: number): void => {
    if (i >= args.length) return;
    if (i === args.length - 1) {
      g.emit(`${out} = ${asType(g, args[i], g.expr(args[i]), call.type).code};`);
      return;
    }
    const cond = g.expr(args[i]);
    const then = g.block(() =>
      g.emit(`${out} = ${asType(g, args[i + 1], g.expr(args[i + 1]), call.type).code};`),
    );
    const otherwise = i + 2 < args.length ? g.block(() => branch(i + 2)) : '';
    g.emit(`if (${cond.code} === true) {\n${then}\n}${otherwise ? ` else {\n${otherwise}\n}` : ''}`);
  };
  branch(0);
  return { code: out, nullable: true };
};

const ifFn: FunctionGen = (g, call) => {
  if (call.args.length !== 3) unsupported(call, `with ${call.args.length} arguments`);
  const [c, a, b] = call.args;
  const cond = g.expr(c);
  const out = g.fresh();
  g.emit(`let ${out} = null;`);
  const then = g.block(() => g.emit(`${out} = ${asType(g, a, g.expr(a), call.type).code};`));
  const otherwise = g.block(() => g.emit(`${out} = ${asType(g, b, g.expr(b), call.type).code};`));
  g.emit(`if (${cond.code} === true) {\n${then}\n} else {\n${otherwise}\n}`);
  return { code: out, nullable: true };
};

const coalesce: FunctionGen = (g, call) => {
  const out = g.fresh();
  g.emit(`let ${out} = null;`);
  let nullable = true;
  const step = (i: number): void => {
    const v = asType(g, call.args[i], g.expr(call.args[i]), call.type);
    g.emit(`${out} = ${v.code};`);
    if (!v.nullable) {
      nullable = false;
      return;
    }
    if (i + 1 < call.args.length) {
      const rest = g.block(() => step(i + 1));
      g.emit(`if (${out} == null) {\n${rest}\n}`);
    }
  };
  step(0);
  if (nullable) g.emit(`if (${out} === undefined) ${out} = null;`);
  return { code: out, nullable };
};

const nullif: FunctionGen = (g, call) => {
  const [ea, eb] = call.args;
  const va = g.expr(ea);
  const c = comparable(g, ea, va, eb, g.expr(eb));
  if (va.code === 'null') return NULL_VALUE;
  const equal = c.b.nullable
    ? `${c.b.code} != null && ${compareCode(g, c.kind, '=', c.a.code, c.b.code)}`
    : compareCode(g, c.kind, '=', c.a.code, c.b.code);
  const value = asType(g, ea, va, call.type);
  return g.strict([va], () => `(${equal} ? null : ${value.code})`, true);
};

function extreme(sign: '>' | '<'): FunctionGen {
  return (g, call) => {
    const values = call.args.map((e) => ({ e, v: asType(g, e, g.expr(e), call.type) }));
    if (values.some((x) => x.v.code === 'null')) return NULL_VALUE;
    const target = { ...call.args[0], type: call.type } as Expr;
    return g.strictBlock(
      values.map((x) => x.v),
      (codes, out) => {
        g.emit(`${out} = ${codes[0]};`);
        for (let i = 1; i < codes.length; i++) {
          const c = comparable(g, target, { code: codes[i], nullable: false }, target, {
            code: out,
            nullable: false,
          });
          g.emit(`if (${orderCode(g, c.kind, codes[i], out)} ${sign} 0) ${out} = ${codes[i]};`);
        }
      },
    );
  };
}

/** IN: TRUE on a match; otherwise NULL when the value or any item is NULL; else FALSE. */
const inList: FunctionGen = (g, call) => {
  const [ev, ...items] = call.args;
  const v = g.expr(ev);
  if (v.code === 'null') return NULL_VALUE;
  // A list of non-NULL literals in the value's representation becomes one Set lookup.
  const literals = items.every(
    (i) =>
      i.kind === 'literal' &&
      i.value !== null &&
      sameRepresentation(i.type, ev.type) &&
      (typeof i.value !== 'number' || !Number.isNaN(i.value)),
  );
  if (literals && items.length > 0) {
    const decimal = isDecimalType(ev.type);
    const values = new Set(
      items.map((i) => {
        const value = (i as { value: string | number | boolean }).value;
        return decimal ? BigInt(value as string) : value;
      }),
    );
    const set = g.bind(values, 'set');
    return g.strict([v], ([x]) => `${set}.has(${x})`);
  }
  const out = g.fresh();
  const sawNull = g.fresh('n');
  g.emit(`let ${out} = null;`);
  g.emit(`let ${sawNull} = false;`);
  const body = g.block(() => {
    const step = (i: number): void => {
      if (i >= items.length) {
        g.emit(`${out} = ${sawNull} ? null : false;`);
        return;
      }
      const c = comparable(g, ev, v, items[i], g.expr(items[i]));
      const test = compareCode(g, c.kind, '=', c.a.code, c.b.code);
      const rest = g.block(() => step(i + 1));
      if (c.b.code === 'null') {
        g.emit(`${sawNull} = true;\n${rest}`);
        return;
      }
      const check = c.b.nullable ? `if (${c.b.code} == null) ${sawNull} = true;\nelse ` : '';
      g.emit(`${check}if (${test}) ${out} = true;\nif (${out} !== true) {\n${rest}\n}`);
    };
    step(0);
  });
  g.emit(v.nullable ? `if (${v.code} != null) {\n${body}\n}` : body);
  return { code: out, nullable: true };
};

const between: FunctionGen = (g, call) => {
  const [ev, lo, hi] = call.args;
  const v = g.expr(ev);
  const low = comparable(g, ev, v, lo, g.expr(lo));
  const high = comparable(g, ev, v, hi, g.expr(hi));
  const ge = g.strict([low.a, low.b], ([x, y]) => compareCode(g, low.kind, '>=', x, y));
  const le = g.strict([high.a, high.b], ([x, y]) => compareCode(g, high.kind, '<=', x, y));
  if (!ge.nullable && !le.nullable) return g.local(`${ge.code} && ${le.code}`, false);
  return g.local(
    `${ge.code} === false || ${le.code} === false ? false : ${ge.code} === null || ${le.code} === null ? null : true`,
    true,
  );
};

export const logicFunctions: Record<string, FunctionGen> = {
  '=': comparison('='),
  '<>': comparison('<>'),
  '<': comparison('<'),
  '<=': comparison('<='),
  '>': comparison('>'),
  '>=': comparison('>='),
  'IS DISTINCT FROM': distinct(false),
  'IS NOT DISTINCT FROM': distinct(true),
  AND: junction('AND'),
  OR: junction('OR'),
  NOT: not,
  'IS NULL': isTest((x) => `${x} == null`),
  'IS NOT NULL': isTest((x) => `${x} != null`),
  'IS TRUE': isTest((x) => `${x} === true`),
  'IS NOT TRUE': isTest((x) => `${x} !== true`),
  'IS FALSE': isTest((x) => `${x} === false`),
  'IS NOT FALSE': isTest((x) => `${x} !== false`),
  IN: inList,
  BETWEEN: between,
  CASE: caseWhen,
  IF: ifFn,
  COALESCE: coalesce,
  NULLIF: nullif,
  GREATEST: extreme('>'),
  LEAST: extreme('<'),
};
