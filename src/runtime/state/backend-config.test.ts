import { describe, expect, it } from 'vitest';
import { Configuration } from '../../common/config.js';
import { resolveStateBackend } from './backend-config.js';

function resolve(entries: [string, string][]) {
  const warnings: string[] = [];
  const choice = resolveStateBackend(new Configuration(entries), {
    info: () => {},
    warn: (m) => warnings.push(m),
  });
  return { choice, warnings };
}

describe('state backend configuration', () => {
  it('defaults to hashmap with filesystem checkpoint storage', () => {
    expect(resolve([]).choice).toEqual({ backend: 'hashmap', storage: 'filesystem' });
  });

  it.each([
    ['jobmanager', 'jobmanager'],
    ['MemoryStateBackend', 'jobmanager'],
    ['filesystem', 'filesystem'],
    ['FsStateBackend', 'filesystem'],
  ])(
    "maps the legacy 'state.backend: %s' to hashmap + %s storage with a deprecation note",
    (legacy, storage) => {
      const { choice, warnings } = resolve([['state.backend', legacy]]);
      expect(choice).toEqual({ backend: 'hashmap', storage });
      expect(warnings[0]).toMatch(/deprecated/);
    },
  );

  it('lets an explicit checkpoint storage win over what a legacy name implies', () => {
    const { choice } = resolve([
      ['state.backend', 'jobmanager'],
      ['state.checkpoint-storage', 'filesystem'],
    ]);
    expect(choice.storage).toBe('filesystem');
  });

  it('selects the disk-backed backend for rocksdb, and maps the legacy class name with a note', () => {
    const modern = resolve([['state.backend.type', 'rocksdb']]);
    expect(modern.choice).toEqual({ backend: 'rocksdb', storage: 'filesystem' });
    expect(modern.warnings).toEqual([]);
    const legacy = resolve([
      ['state.backend', 'org.apache.flink.contrib.streaming.state.RocksDBStateBackend'],
    ]);
    expect(legacy.choice).toEqual({ backend: 'rocksdb', storage: 'filesystem' });
    expect(legacy.warnings[0]).toMatch(/deprecated/);
  });

  it('rejects an unknown backend with the names it knows', () => {
    expect(() => resolve([['state.backend.type', 'redis']])).toThrow(/Unknown state backend 'redis'/);
  });
});
