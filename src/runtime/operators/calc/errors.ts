import { WeirError } from '../../../common/errors.js';

/**
 * Errors of compiled expressions. Runtime failures are the user's (a bad CAST input, a division by
 * zero): Flink fails the job with an exception there too, so the message must say which value.
 */

export function divisionByZero(): WeirError {
  return new WeirError('CALC_DIVISION_BY_ZERO', 'Division by zero', {
    hint: 'guard the divisor, e.g. CASE WHEN d <> 0 THEN n / d END, or use NULLIF(d, 0)',
  });
}

export function castFailed(value: unknown, target: string): WeirError {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return new WeirError('CALC_CAST_FAILED', `Cannot cast ${shown} to ${target}`, {
    hint: 'use TRY_CAST to get NULL for values that do not convert',
  });
}

export function invalidArgument(message: string): WeirError {
  return new WeirError('CALC_INVALID_ARGUMENT', message);
}

/** A function the planner can produce but this compiler does not implement (yet). */
export function notSupported(what: string): WeirError {
  return new WeirError('CALC_UNSUPPORTED', `${what} is not supported yet`);
}

export function internal(message: string): WeirError {
  return new WeirError('CALC_INTERNAL', message, { kind: 'internal' });
}
