import { describe, it } from 'vitest';
import { checkCase } from './case.js';
import * as basics from './cases/basics.js';

describe('differential: basics', () => {
  for (const c of basics.CASES) it(c.name, () => checkCase(c, basics.PRELUDE));
});
