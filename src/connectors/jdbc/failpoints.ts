import { failpointEnabled } from '../../common/failpoints.js';

/**
 * Named failpoints of the JDBC sink, from WEIR_FAILPOINTS (see src/common/failpoints.ts).
 *
 * - `jdbc-sink.skip-commit`: notifyCheckpointComplete leaves prepared transactions uncommitted, as
 *   if the process died between a checkpoint's completion and its commit — the case recovery from
 *   the checkpoint has to finish (test/jdbc/sigkill.test.ts).
 */
export type JdbcFailpoint = 'jdbc-sink.skip-commit';

export function failpoint(name: JdbcFailpoint): boolean {
  return failpointEnabled(name);
}
