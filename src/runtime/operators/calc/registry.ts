import { arithmeticFunctions } from './arith.js';
import { castFunctions } from './cast.js';
import type { FunctionGen } from './codegen.js';
import { logicFunctions } from './logic.js';
import { mathFunctions } from './math.js';
import { stringFunctions } from './strings.js';
import { structuredFunctions } from './structured.js';
import { temporalFunctions } from './temporal.js';

/** Every built-in the compiler implements, keyed by `Call.fn` (see src/common/functions.ts). */
export const FUNCTIONS: ReadonlyMap<string, FunctionGen> = new Map(
  Object.entries({
    ...arithmeticFunctions,
    ...mathFunctions,
    ...logicFunctions,
    ...castFunctions,
    ...stringFunctions,
    ...temporalFunctions,
    ...structuredFunctions,
  }),
);
