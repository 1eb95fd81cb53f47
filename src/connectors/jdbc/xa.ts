import type pg from 'pg';

/**
 * PostgreSQL two-phase commit for the exactly-once sink: naming prepared transactions, committing
 * them idempotently, and finding the ones an earlier attempt left behind.
 *
 * A gid is `weir:<job id>:<operator id>:<subtask>:<checkpoint id>`. Gids are unique in the whole
 * server (not per database), so the random job id is part of it; the operator id is stable across
 * restores (it is how state finds its operator), so lingering gids of this sink can be found by it.
 */
export const GID_PREFIX = 'weir';

export interface Gid {
  readonly jobId: string;
  readonly operatorId: string;
  readonly subtask: number;
  readonly checkpointId: number;
}

export function formatGid(g: Gid): string {
  return `${GID_PREFIX}:${g.jobId}:${g.operatorId}:${g.subtask}:${g.checkpointId}`;
}

export function parseGid(gid: string): Gid | undefined {
  const m = /^weir:([0-9a-zA-Z-]+):([0-9a-zA-Z-]+):(\d+):(\d+)$/.exec(gid);
  if (!m) return undefined;
  return { jobId: m[1], operatorId: m[2], subtask: Number(m[3]), checkpointId: Number(m[4]) };
}

/** SQLSTATE undefined_object: COMMIT/ROLLBACK PREPARED of a gid the server does not have. */
export const GID_GONE = '42704';

const isGone = (err: unknown) => (err as { code?: string }).code === GID_GONE;

/**
 * COMMIT PREPARED of a gid that a completed checkpoint recorded as prepared. Returns false when the
 * server no longer has it. That can only mean it was committed already — by notifyCheckpointComplete
 * before a crash, or by an earlier recovery — because this gid is known to have been PREPARED (the
 * checkpoint holding it completed after the PREPARE succeeded), and nothing but this sink's commit
 * path ends a prepared transaction whose checkpoint completed: the rollback path only touches gids
 * that are *not* in a completed checkpoint. Without that knowledge "gone" would be ambiguous (never
 * prepared, rolled back, committed), so callers must pass only gids from checkpointed state.
 */
export async function commitPrepared(client: pg.Client, gid: string): Promise<boolean> {
  try {
    // A gid cannot be a bind parameter: it is quoted as a literal instead.
    await client.query(`COMMIT PREPARED ${client.escapeLiteral(gid)}`);
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/** ROLLBACK PREPARED; a gid that is gone was ended by someone else, which is what we wanted. */
export async function rollbackPrepared(client: pg.Client, gid: string): Promise<boolean> {
  try {
    await client.query(`ROLLBACK PREPARED ${client.escapeLiteral(gid)}`);
    return true;
  } catch (err) {
    if (isGone(err)) return false;
    throw err;
  }
}

/** This database's prepared transactions of one sink operator, from any job and subtask. */
export async function preparedOfOperator(client: pg.Client, operatorId: string): Promise<Map<string, Gid>> {
  const { rows } = await client.query<{ gid: string }>(
    'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() AND gid LIKE $1',
    [`${GID_PREFIX}:%:${operatorId}:%`],
  );
  const found = new Map<string, Gid>();
  for (const { gid } of rows) {
    const parsed = parseGid(gid);
    if (parsed && parsed.operatorId === operatorId) found.set(gid, parsed);
  }
  return found;
}

/** What a subtask's snapshot says about the transactions of its lineage of jobs. */
export interface TransactionMarker {
  /** Job ids whose gids this sink's state may refer to: the restores of one job form a lineage. */
  readonly jobIds: readonly string[];
  readonly checkpointId: number;
  readonly parallelism: number;
}

/**
 * Which lingering gids a subtask rolls back when it starts. Each old subtask's gids have one owner
 * (old subtask index modulo the new parallelism), so subtasks never roll back each other's fresh
 * transactions. An owned gid that is not in the restored state is rolled back when:
 *  - it belongs to this job's lineage and the parallelism is unchanged: the restored state is then
 *    exactly the old subtask's, which lists every gid of a completed checkpoint still uncommitted;
 *  - or its checkpoint id is above the restored checkpoint: its checkpoint never completed (a
 *    completed one at or below the restored id would be in some subtask's restored state), whatever
 *    job of the lineage — or earlier crashed restore of it — prepared it.
 * With no restored marker (a fresh start) only this job's own gids are touched: gids of a different
 * job that happens to have the same operator id are not ours to judge.
 */
export function lingeringToRollBack(
  prepared: ReadonlyMap<string, Gid>,
  restoredGids: ReadonlySet<string>,
  markers: readonly TransactionMarker[],
  self: { readonly jobId: string; readonly subtask: number; readonly parallelism: number },
): string[] {
  const lineage = new Set([self.jobId, ...markers.flatMap((m) => m.jobIds)]);
  const restoredCheckpoint = markers.length > 0 ? Math.max(...markers.map((m) => m.checkpointId)) : undefined;
  const sameParallelism = markers.length > 0 && markers.every((m) => m.parallelism === self.parallelism);
  const out: string[] = [];
  for (const [gid, g] of prepared) {
    if (restoredGids.has(gid) || g.subtask % self.parallelism !== self.subtask) continue;
    const afterRestored = restoredCheckpoint === undefined || g.checkpointId > restoredCheckpoint;
    const roll = lineage.has(g.jobId)
      ? sameParallelism || afterRestored
      : restoredCheckpoint !== undefined && afterRestored;
    if (roll) out.push(gid);
  }
  return out;
}
