import { describe, expect, it } from 'vitest';
import type { ProcessingTimeService } from '../api/operator.js';
import { createTestBackend } from '../state/test-backend.js';
import { KeyedTimerService } from './timer-service.js';

function manualClock() {
  let now = 0;
  const pending: { at: number; cb: (ts: number) => unknown; cancelled: boolean }[] = [];
  const service: ProcessingTimeService = {
    now: () => now,
    registerTimer: (at, cb) => {
      const t = { at, cb, cancelled: false };
      pending.push(t);
      return () => {
        t.cancelled = true;
      };
    },
  };
  return {
    service,
    async advanceTo(time: number) {
      now = time;
      for (const t of pending.splice(0)) {
        if (t.cancelled) continue;
        if (t.at <= time) await t.cb(t.at);
        else pending.push(t);
      }
    },
  };
}

describe('KeyedTimerService', () => {
  it('fires event-time timers in timestamp order once the watermark passes them, with their key current', async () => {
    const backend = createTestBackend(128, 1, 0);
    const fired: string[] = [];
    const timers = new KeyedTimerService(backend, manualClock().service, (domain, ts, key) => {
      expect(backend.getCurrentKey()).toEqual(key);
      fired.push(`${domain} ${ts} ${key[0]}`);
    });
    backend.setCurrentKey(['a']);
    timers.registerEventTimeTimer(20);
    timers.registerEventTimeTimer(10);
    backend.setCurrentKey(['b']);
    timers.registerEventTimeTimer(10);
    timers.registerEventTimeTimer(30);
    timers.deleteEventTimeTimer(30);
    await timers.advanceWatermark(15);
    expect(fired).toEqual(['event-time 10 a', 'event-time 10 b']);
    await timers.advanceWatermark(100);
    expect(fired).toEqual(['event-time 10 a', 'event-time 10 b', 'event-time 20 a']);
  });

  it('restores timers from a keyed state snapshot, in the subtask that owns their key', async () => {
    const before = createTestBackend(128, 1, 0);
    const timers = new KeyedTimerService(before, manualClock().service, () => {});
    for (let k = 0; k < 50; k++) {
      before.setCurrentKey([k]);
      timers.registerEventTimeTimer(1000 + k);
    }
    const snapshot = before.snapshot();
    const fired: number[] = [];
    for (let subtask = 0; subtask < 2; subtask++) {
      const after = createTestBackend(128, 2, subtask);
      after.restore([snapshot]);
      const restored = new KeyedTimerService(
        after,
        manualClock().service,
        (_d, _ts, key) => void fired.push(key[0] as number),
      );
      await restored.advanceWatermark(Number.MAX_SAFE_INTEGER);
    }
    expect(fired.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, k) => k));
  });

  it('fires processing-time timers when the clock reaches them', async () => {
    const backend = createTestBackend(128, 1, 0);
    const clock = manualClock();
    const fired: number[] = [];
    const timers = new KeyedTimerService(backend, clock.service, (_d, ts) => void fired.push(ts));
    backend.setCurrentKey(['x']);
    timers.registerProcessingTimeTimer(50);
    timers.registerProcessingTimeTimer(20);
    await clock.advanceTo(30);
    expect(fired).toEqual([20]);
    await clock.advanceTo(60);
    expect(fired).toEqual([20, 50]);
  });
});
