import { describe, expect, it } from 'vitest';
import { formatGid, type Gid, lingeringToRollBack, parseGid } from './xa.js';

const A = 'a'.repeat(32);
const B = 'b'.repeat(32);
const OP = 'f'.repeat(32);
const gid = (jobId: string, subtask: number, checkpointId: number) =>
  formatGid({ jobId, operatorId: OP, subtask, checkpointId });
const prepared = (...gids: string[]) => new Map(gids.map((g) => [g, parseGid(g) as Gid]));

describe('gids', () => {
  it('round-trips', () => {
    expect(parseGid(gid(A, 3, 17))).toEqual({ jobId: A, operatorId: OP, subtask: 3, checkpointId: 17 });
    expect(parseGid("weir-infra-'x'")).toBeUndefined();
  });
});

describe('lingering prepared transactions to roll back', () => {
  it('on a fresh start: only this job own subtask gids', () => {
    const found = prepared(gid(A, 0, 1), gid(A, 1, 1), gid(B, 0, 1));
    expect(lingeringToRollBack(found, new Set(), [], { jobId: A, subtask: 0, parallelism: 2 })).toEqual([
      gid(A, 0, 1),
    ]);
  });

  it('after a restore at the same parallelism: the lineage gids not in the restored state', () => {
    const found = prepared(gid(A, 0, 3), gid(A, 0, 4), gid(A, 1, 4), gid(B, 0, 5));
    const markers = [{ jobIds: [A], checkpointId: 3, parallelism: 2 }];
    // B is the job restored now (a new job id after `weir run -s`); A's checkpoint 3 completed.
    expect(
      lingeringToRollBack(found, new Set([gid(A, 0, 3)]), markers, { jobId: B, subtask: 0, parallelism: 2 }),
    ).toEqual([gid(A, 0, 4), gid(B, 0, 5)]);
  });

  it('after a rescale: only gids above the restored checkpoint, by owner subtask', () => {
    const found = prepared(gid(A, 0, 2), gid(A, 2, 2), gid(A, 2, 4), gid(A, 3, 4));
    const markers = [{ jobIds: [A], checkpointId: 3, parallelism: 4 }];
    // At parallelism 2, subtask 0 owns old subtasks 0 and 2; gids at or below 3 may be in another
    // subtask's share of the restored state.
    expect(lingeringToRollBack(found, new Set(), markers, { jobId: B, subtask: 0, parallelism: 2 })).toEqual([
      gid(A, 2, 4),
    ]);
  });

  it('gids of another job with the same operator id: only after a restore, above its checkpoint', () => {
    const C = 'c'.repeat(32);
    const found = prepared(gid(C, 0, 2), gid(C, 0, 9));
    const markers = [{ jobIds: [A], checkpointId: 5, parallelism: 1 }];
    expect(lingeringToRollBack(found, new Set(), markers, { jobId: B, subtask: 0, parallelism: 1 })).toEqual([
      gid(C, 0, 9),
    ]);
    expect(lingeringToRollBack(found, new Set(), [], { jobId: B, subtask: 0, parallelism: 1 })).toEqual([]);
  });
});
