import { WeirError } from '../../../common/errors.js';
import type { Call } from '../../../common/expr.js';
import type { LogicalType } from '../../../common/types.js';
import { loadScalarFunction, type UdfRef } from '../../../common/udf.js';
import type { Gen, Value } from './codegen.js';
import { fitPrecision, fromNumber, parseDecimal, toPlainString } from './decimal.js';

/**
 * Calls of user-defined scalar functions. A function sees JavaScript values a user expects rather
 * than weir's internal representation: DECIMAL as its exact text ('12.50'), DATE, TIMESTAMP and
 * TIMESTAMP_LTZ as Date objects; every other type as it is stored (see src/common/types.ts). Its
 * result converts back the same way, so a DECIMAL may be returned as a number or a string and a
 * timestamp as a Date or epoch milliseconds.
 */

const DAY_MS = 86_400_000;

export function udfCall(g: Gen, call: Call & { readonly udf: UdfRef }): Value {
  const declaration = loadScalarFunction(call.udf);
  const fn = g.bind(declaration.eval, `udf_${call.udf.name}`);
  const name = g.bind(call.udf.name, 's');
  const args = call.args.map((a) => toExternal(g, g.expr(a), a.type));
  const raw = g.fresh();
  g.emit(`let ${raw};`);
  g.emit(
    `try { ${raw} = ${fn}(${args.join(', ')}); } catch (e) { throw ${g.helper(udfFailed)}(${name}, e); }`,
  );
  return fromExternal(g, raw, call.type, name);
}

function toExternal(g: Gen, v: Value, type: LogicalType): string {
  if (v.code === 'null') return 'null';
  const guard = (code: string) => (v.nullable ? `(${v.code} == null ? null : ${code})` : code);
  switch (type.root) {
    case 'DECIMAL':
      return guard(`${g.helper(toPlainString)}(${v.code}, ${type.scale ?? 0})`);
    case 'DATE':
      return guard(`new Date(${v.code} * ${DAY_MS})`);
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return guard(`new Date(${v.code})`);
    default:
      return v.code;
  }
}

function fromExternal(g: Gen, raw: string, type: LogicalType, name: string): Value {
  const out = g.fresh();
  const convert = (() => {
    switch (type.root) {
      case 'DECIMAL':
        return `${g.helper(decimalResult)}(${raw}, ${type.precision ?? 10}, ${type.scale ?? 0}, ${name})`;
      case 'DATE':
        return `(${raw} instanceof Date ? Math.floor(${raw}.getTime() / ${DAY_MS}) : ${raw})`;
      case 'TIMESTAMP':
      case 'TIMESTAMP_LTZ':
        return `(${raw} instanceof Date ? ${raw}.getTime() : ${raw})`;
      default:
        return raw;
    }
  })();
  g.emit(`let ${out} = ${raw} === undefined || ${raw} === null ? null : ${convert};`);
  if (!type.nullable) g.emit(`if (${out} === null) throw ${g.helper(nullResult)}(${name});`);
  return { code: out, nullable: type.nullable };
}

function decimalResult(value: unknown, precision: number, scale: number, name: string): bigint {
  const unscaled =
    typeof value === 'number'
      ? fromNumber(value, scale)
      : typeof value === 'string'
        ? parseDecimal(value.trim(), scale)
        : typeof value === 'bigint'
          ? value * 10n ** BigInt(scale)
          : undefined;
  const fitting = unscaled === undefined ? null : fitPrecision(unscaled, precision);
  if (fitting === null)
    throw new WeirError(
      'CALC_INVALID_ARGUMENT',
      `Function '${name}' returned ${String(value)}, which is not a DECIMAL(${precision}, ${scale})`,
      { hint: 'return a number or a decimal string within the declared precision' },
    );
  return fitting;
}

function udfFailed(name: string, cause: unknown): WeirError {
  const message = cause instanceof Error ? cause.message : String(cause);
  return new WeirError('CALC_UDF_FAILED', `Function '${name}' failed: ${message}`, { cause });
}

function nullResult(name: string): WeirError {
  return new WeirError(
    'CALC_INVALID_ARGUMENT',
    `Function '${name}' returned NULL, but its result type is NOT NULL`,
    {
      hint: "return a value, or declare a nullable resultType (without 'NOT NULL')",
    },
  );
}
