import { createRequire } from 'node:module';
import { isAbsolute } from 'node:path';
import { WeirError } from './errors.js';
import nexmarkCountChar from './udfs/nexmark-count-char.js';

/**
 * User-defined scalar functions (`CREATE FUNCTION name AS './module.js' LANGUAGE JAVASCRIPT`).
 *
 * A function is an export of a JavaScript module: an object (or a class with static members, or a
 * function carrying them as properties) with Flink's ScalarFunction shape — an `eval` method and
 * the result type, which JavaScript cannot infer:
 *
 *   export default {
 *     resultType: 'BIGINT NOT NULL',          // required: a Flink SQL type
 *     argumentTypes: ['STRING', 'STRING'],    // optional: arguments are cast to these
 *     deterministic: true,                    // optional (default true)
 *     eval(text, ch) { … },
 *   };
 *
 * The planner reads the declaration when the function is created; the runtime loads the same
 * module in every thread that runs the expression. Both load synchronously (Node's require of an
 * ES module), so planning stays synchronous and a job plans the same in a worker thread.
 */

/** Where a function's code lives, as the JobGraph carries it: plain JSON. */
export interface UdfRef {
  /** The SQL name it was created under (lower case), for messages. */
  readonly name: string;
  /** An absolute file path, or `weir:<name>` for a function weir ships (see JVM_CLASS_FUNCTIONS). */
  readonly module: string;
  /** The export to use; `default` when the identifier names none. */
  readonly export: string;
  /** The module as CREATE FUNCTION wrote it (a relative path, a class name), for messages. */
  readonly written?: string;
}

export interface ScalarFunctionDeclaration {
  readonly resultType: string;
  readonly argumentTypes?: readonly string[];
  readonly deterministic: boolean;
  readonly eval: (...args: unknown[]) => unknown;
}

/**
 * JVM classes whose function weir ships in JavaScript, so scripts written for Flink that create them
 * run unchanged (`CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar'`, Nexmark q14).
 */
export const JVM_CLASS_FUNCTIONS: Readonly<Record<string, string>> = {
  'com.github.nexmark.flink.udf.CountChar': 'weir:nexmark-count-char',
};

/** The modules behind `weir:` references: shipped with weir, so imported rather than loaded. */
const SHIPPED: Readonly<Record<string, Record<string, unknown>>> = {
  'weir:nexmark-count-char': { default: nexmarkCountChar },
};

const requireModule = createRequire(import.meta.url);
const loaded = new Map<string, ScalarFunctionDeclaration>();

/** Loads (once per thread) and checks the declaration a UdfRef points at. */
export function loadScalarFunction(ref: UdfRef): ScalarFunctionDeclaration {
  const key = `${ref.module}#${ref.export}`;
  const cached = loaded.get(key);
  if (cached) return cached;
  const exports = SHIPPED[ref.module] ?? requireExports(ref);
  const candidate =
    ref.export === 'default'
      ? (exports.default ?? (exports.eval ? exports : undefined))
      : exports[ref.export];
  if (candidate === undefined) {
    const names = Object.keys(exports).filter((n) => n !== '__esModule');
    throw udfError(
      ref,
      `${ref.written ?? ref.module} has no export '${ref.export}'${names.length ? ` (it exports ${names.join(', ')})` : ''}`,
    );
  }
  const declaration = declarationOf(ref, candidate);
  loaded.set(key, declaration);
  return declaration;
}

function requireExports(ref: UdfRef): Record<string, unknown> {
  const path = ref.module;
  const shown = ref.written ?? path;
  if (!isAbsolute(path)) throw udfError(ref, `its module path '${path}' is not absolute`);
  try {
    return requireModule(path) as Record<string, unknown>;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why =
      e.code === 'MODULE_NOT_FOUND' || e.code === 'ERR_MODULE_NOT_FOUND'
        ? `no module at ${shown}`
        : e.code === 'ERR_REQUIRE_ASYNC_MODULE'
          ? `${shown} uses top-level await, which a function module cannot (it is loaded synchronously)`
          : `${shown} failed to load: ${e.message}`;
    throw udfError(ref, why);
  }
}

function declarationOf(ref: UdfRef, value: unknown): ScalarFunctionDeclaration {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null)
    throw udfError(ref, `its export is a ${typeof value}, not a function declaration`);
  const d = value as Record<string, unknown>;
  // A plain function is its own eval, with resultType as a property.
  const evalFn = typeof d.eval === 'function' ? d.eval : typeof value === 'function' ? value : undefined;
  if (typeof evalFn !== 'function')
    throw udfError(ref, 'it has no eval method', "declare { resultType: 'BIGINT', eval(…) { … } }");
  if (typeof d.resultType !== 'string' || d.resultType.trim() === '')
    throw udfError(
      ref,
      'it declares no resultType',
      "add resultType: 'BIGINT' (a Flink SQL type) to the export",
    );
  const argumentTypes = d.argumentTypes;
  if (
    argumentTypes !== undefined &&
    (!Array.isArray(argumentTypes) || argumentTypes.some((t) => typeof t !== 'string'))
  )
    throw udfError(ref, 'its argumentTypes is not an array of SQL type names');
  if (d.deterministic !== undefined && typeof d.deterministic !== 'boolean')
    throw udfError(ref, 'its deterministic is not a boolean');
  const bound = evalFn === value ? (evalFn as (...a: unknown[]) => unknown) : evalFn.bind(value);
  return {
    resultType: d.resultType,
    argumentTypes: argumentTypes as string[] | undefined,
    deterministic: d.deterministic !== false,
    eval: bound as (...args: unknown[]) => unknown,
  };
}

function udfError(ref: UdfRef, why: string, hint?: string): WeirError {
  return new WeirError('SQL_VALIDATION', `Function '${ref.name}' cannot be used: ${why}`, { hint });
}
