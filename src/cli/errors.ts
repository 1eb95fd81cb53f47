import { formatError, isWeirError, WeirError } from '../common/errors.js';

/** Exit codes: 0 done, 1 the job or a statement failed, 2 the command line itself was wrong. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends WeirError {
  constructor(message: string, hint?: string) {
    super('CLI_USAGE', message, { hint });
  }
}

/**
 * Prints an error for a person: user and external errors as a short block without a stack
 * trace; internal errors (our bugs) with the stack, so they can be reported.
 */
export function reportError(err: unknown, write: (text: string) => void): number {
  if (err instanceof UsageError) {
    write(`weir: ${err.message}${err.hint ? ` (${err.hint})` : ''}\n`);
    return EXIT_USAGE;
  }
  if (isWeirError(err) && err.kind !== 'internal') {
    write(`${formatError(err)}\n`);
    return EXIT_FAILURE;
  }
  const e = err as Error;
  write(`weir: internal error: ${e?.stack ?? String(err)}\nThis is a bug in weir; please report it.\n`);
  return EXIT_FAILURE;
}
