/**
 * Named failpoints for faults PostgreSQL cannot be made to produce on demand. They are read from
 * WEIR_FAILPOINTS (comma-separated names) once, when the module loads; unset, they cost nothing.
 *
 * - `jdbc-sink.skip-commit`: notifyCheckpointComplete leaves prepared transactions uncommitted, as
 *   if the process died between a checkpoint's completion and its commit — the case recovery from
 *   the checkpoint has to finish (test/jdbc/sigkill.test.ts).
 */
const active = new Set(
  (process.env.WEIR_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== ''),
);

export type JdbcFailpoint = 'jdbc-sink.skip-commit';

export function failpoint(name: JdbcFailpoint): boolean {
  return active.has(name);
}
