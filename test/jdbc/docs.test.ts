import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OptionRegistry } from '../../src/common/config.js';
import { renderOptionsTable } from '../../src/common/options-doc.js';
import { jdbcDescriptor } from '../../src/connectors/jdbc/index.js';

describe('docs/jdbc.md', () => {
  it('lists every option of the jdbc connector as declared', async () => {
    const doc = await readFile(new URL('../../docs/jdbc.md', import.meta.url), 'utf8');
    const table = /<!-- jdbc-options:start -->\n([\s\S]*?)\n<!-- jdbc-options:end -->/.exec(doc)?.[1];
    const options = new OptionRegistry([
      ...jdbcDescriptor.requiredOptions,
      ...jdbcDescriptor.optionalOptions,
    ]);
    expect(table).toBe(renderOptionsTable(options));
  });
});
