import type { OperatorContext } from '../api/operator.js';
import type { KeyedStateBackend } from '../api/state.js';

/**
 * The keyed state backend of an operator that keeps keyed state. A keyed operator only ever runs
 * behind a keyed exchange, so a missing backend is a bug in the job graph, not a user's mistake.
 */
export function keyedStateOf(ctx: OperatorContext, kind?: string): KeyedStateBackend {
  if (!ctx.keyedStateBackend) {
    const name = kind ? `${kind} '${ctx.operatorName}'` : ctx.operatorName;
    throw new Error(`${name} runs without a keyed state backend`);
  }
  return ctx.keyedStateBackend;
}
