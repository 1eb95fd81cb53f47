import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CORE_OPTIONS } from './options.js';
import { renderOptionsTable } from './options-doc.js';

describe('docs/configuration.md', () => {
  it('lists every option as the registry declares it (regenerate with `npm run docs`)', async () => {
    const doc = await readFile(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    const start = doc.indexOf('<!-- options:start -->');
    const end = doc.indexOf('<!-- options:end -->');
    expect(start).toBeGreaterThan(-1);
    expect(doc.slice(start + '<!-- options:start -->'.length, end).trim()).toBe(
      renderOptionsTable(CORE_OPTIONS),
    );
  });
});
