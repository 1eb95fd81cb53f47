import { describe, expect, it } from 'vitest';
import { BUILTIN_FUNCTIONS } from '../../../common/functions.js';
import { FUNCTIONS } from './registry.js';

describe('function registry', () => {
  it('implements every built-in the planner can name', () => {
    expect(BUILTIN_FUNCTIONS.filter((name) => !FUNCTIONS.has(name))).toEqual([]);
  });

  it('has no entries the shared contract does not list', () => {
    const known = new Set<string>(BUILTIN_FUNCTIONS);
    expect([...FUNCTIONS.keys()].filter((name) => !known.has(name))).toEqual([]);
  });
});
