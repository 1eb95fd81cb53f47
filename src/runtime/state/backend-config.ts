import type { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import { CHECKPOINT_STORAGE, STATE_BACKEND } from '../../common/options.js';
import type { Logger } from '../api/operator.js';

export interface StateBackendChoice {
  readonly backend: 'hashmap' | 'rocksdb';
  readonly storage: 'jobmanager' | 'filesystem';
}

/**
 * Reads the state backend and checkpoint storage the way Flink 1.13+ does, including the legacy
 * spellings the seeds use: `state.backend: jobmanager | filesystem | rocksdb` and the class names
 * MemoryStateBackend, FsStateBackend and RocksDBStateBackend each meant a backend *and* a storage.
 */
export function resolveStateBackend(config: Configuration, log: Logger): StateBackendChoice {
  const raw = (config.get(STATE_BACKEND) ?? 'hashmap').trim();
  const name = raw.replace(/^org\.apache\.flink\.[\w.]+\./, '').toLowerCase();
  const explicitStorage = config.has(CHECKPOINT_STORAGE) ? config.require(CHECKPOINT_STORAGE) : undefined;
  const deprecated = (replacement: string) =>
    log.warn(`State backend '${raw}' is deprecated (as in Flink); weir reads it as ${replacement}.`);
  switch (name) {
    case 'hashmap':
      return { backend: 'hashmap', storage: explicitStorage ?? 'filesystem' };
    case 'jobmanager':
    case 'memorystatebackend':
      deprecated("'state.backend.type' = 'hashmap' with 'execution.checkpointing.storage' = 'jobmanager'");
      return { backend: 'hashmap', storage: explicitStorage ?? 'jobmanager' };
    case 'filesystem':
    case 'fsstatebackend':
      deprecated("'state.backend.type' = 'hashmap' with 'execution.checkpointing.storage' = 'filesystem'");
      return { backend: 'hashmap', storage: explicitStorage ?? 'filesystem' };
    case 'rocksdb':
    case 'embeddedrocksdbstatebackend':
      // weir's own embedded disk-backed backend plays RocksDB's role (see docs/state-backends.md).
      return { backend: 'rocksdb', storage: explicitStorage ?? 'filesystem' };
    case 'rocksdbstatebackend':
      deprecated("'state.backend.type' = 'rocksdb' with 'execution.checkpointing.storage' = 'filesystem'");
      return { backend: 'rocksdb', storage: explicitStorage ?? 'filesystem' };
    default:
      throw new WeirError('CONFIG_INVALID_VALUE', `Unknown state backend '${raw}'`, {
        hint: "Use 'hashmap' or 'rocksdb' (or Flink's legacy names jobmanager, filesystem).",
      });
  }
}
