import { describe, expect, it } from 'vitest';
import { LocalChannel } from './channel.js';
import { type BarrierMode, CheckpointedInputGate, type InputHandler } from './input-gate.js';

function recorder() {
  const log: string[] = [];
  const handler: InputHandler = {
    processBatch: (b) => void log.push(`rows ${b.rows.map((r) => r[0]).join(',')}`),
    processWatermark: (wm) => void log.push(`wm ${wm}`),
    triggerCheckpointOnBarrier: async (id, _ts, kind) =>
      void log.push(`snapshot ${id}${kind === 'unaligned' ? ' unaligned' : ''}`),
    completeChannelState: (id, inFlight) =>
      void log.push(`in-flight ${id}: ${inFlight.map((b) => b.rows.map((r) => r[0]).join(',')).join(' ')}`),
    abortCheckpointOnBarrier: (id) => void log.push(`abort ${id}`),
    endOfData: () => void log.push('end'),
  };
  return { log, handler };
}

async function drain(gate: CheckpointedInputGate, handler: InputHandler) {
  while ((await gate.pollNext(handler)) === 'processed') {}
}

function setup(mode: BarrierMode, alignedTimeoutMs = 0) {
  const a = new LocalChannel(10);
  const b = new LocalChannel(10);
  return { a, b, gate: new CheckpointedInputGate([a, b], mode, alignedTimeoutMs), ...recorder() };
}

const batch = (name: string) => ({ kind: 'batch' as const, batch: { rows: [[name]] } });

describe('barrier handling at an input gate with two channels', () => {
  it('aligned: holds back records behind an early barrier until every channel delivered it', async () => {
    const { a, b, gate, log, handler } = setup('aligned');
    a.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    a.send({ kind: 'batch', batch: { rows: [['after-barrier-a']] } });
    b.send({ kind: 'batch', batch: { rows: [['before-barrier-b']] } });
    await drain(gate, handler);
    expect(log).toEqual(['rows before-barrier-b']);
    b.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    await drain(gate, handler);
    expect(log).toEqual(['rows before-barrier-b', 'snapshot 1', 'rows after-barrier-a']);
  });

  it('at-least-once: keeps processing past an early barrier and snapshots at the last one', async () => {
    const { a, b, gate, log, handler } = setup('at-least-once');
    a.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    a.send({ kind: 'batch', batch: { rows: [['after-barrier-a']] } });
    await drain(gate, handler);
    expect(log).toEqual(['rows after-barrier-a']);
    b.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    await drain(gate, handler);
    expect(log).toEqual(['rows after-barrier-a', 'snapshot 1']);
  });

  it('aligned: a newer barrier aborts an alignment still in progress', async () => {
    const { a, b, gate, log, handler } = setup('aligned');
    a.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    await drain(gate, handler);
    b.send({ kind: 'barrier', checkpointId: 2, timestamp: 0 });
    await drain(gate, handler);
    a.send({ kind: 'barrier', checkpointId: 2, timestamp: 0 });
    await drain(gate, handler);
    expect(log).toEqual(['abort 1', 'snapshot 2']);
  });

  it('unaligned: snapshots at the first barrier and stores what was in flight before the barrier on every channel', async () => {
    const { a, b, gate, log, handler } = setup('unaligned');
    a.send(batch('a1'));
    a.send(batch('a2'));
    b.send(batch('b1'));
    a.sendPriorityBarrier(1, 0); // overtakes a1 and a2
    await drain(gate, handler);
    expect(log).toEqual(['snapshot 1 unaligned', 'rows b1', 'rows a1', 'rows a2']);
    b.send(batch('b2'));
    b.sendPriorityBarrier(1, 0); // overtakes b2
    await drain(gate, handler);
    expect(log.slice(4)).toEqual(['in-flight 1: a1 a2 b1 b2', 'rows b2']);
  });

  it('aligned with a timeout: an alignment that lasts too long switches to unaligned', async () => {
    const { a, b, gate, log, handler } = setup('aligned', 50);
    const longAgo = Date.now() - 1000;
    a.send({ kind: 'barrier', checkpointId: 1, timestamp: longAgo });
    a.send(batch('a-after'));
    b.send(batch('b1'));
    b.send({ kind: 'barrier', checkpointId: 1, timestamp: longAgo });
    await drain(gate, handler);
    expect(log).toEqual(['snapshot 1 unaligned', 'rows b1', 'rows a-after', 'in-flight 1: b1']);
  });

  it('forwards the minimum watermark across channels, and ends when every channel ended', async () => {
    const { a, b, gate, log, handler } = setup('aligned');
    a.send({ kind: 'watermark', watermark: 10 });
    b.send({ kind: 'watermark', watermark: 5 });
    b.send({ kind: 'watermark', watermark: 20 });
    a.send({ kind: 'end-of-data' });
    await drain(gate, handler);
    // Channels are read round robin: a's 10, b's 5, a ends, b's 20.
    expect(log).toEqual(['wm 5', 'wm 20']);
    b.send({ kind: 'end-of-data' });
    await drain(gate, handler);
    expect(log.at(-1)).toBe('end');
  });
});

describe('LocalChannel credit', () => {
  it('makes the sender wait beyond its capacity and releases it as the receiver consumes', async () => {
    const channel = new LocalChannel(2);
    expect(channel.send({ kind: 'batch', batch: { rows: [[1]] } })).toBeUndefined();
    expect(channel.send({ kind: 'batch', batch: { rows: [[2]] } })).toBeUndefined();
    let released = false;
    const wait = channel.send({ kind: 'batch', batch: { rows: [[3]] } });
    expect(wait).toBeInstanceOf(Promise);
    void (wait as Promise<void>).then(() => (released = true));
    // Events never wait for credit: a barrier must not queue behind data forever.
    expect(channel.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 })).toBeUndefined();
    await Promise.resolve();
    expect(released).toBe(false);
    channel.poll();
    await wait;
    expect(released).toBe(true);
    expect(channel.backlog).toBe(2);
  });
});

describe('watermark status (idle sources)', () => {
  it('an idle channel holds back no watermark; all idle is passed on; active again with its next record', async () => {
    const { a, b, gate, log, handler } = setup('aligned');
    handler.processWatermarkStatus = (idle) => void log.push(idle ? 'idle' : 'active');
    a.send({ kind: 'watermark', watermark: 100 });
    await drain(gate, handler);
    expect(log).toEqual([]); // b has sent no watermark yet
    b.send({ kind: 'watermark-status', idle: true });
    await drain(gate, handler);
    expect(log).toEqual(['wm 100']);
    a.send({ kind: 'watermark-status', idle: true });
    await drain(gate, handler);
    expect(log).toEqual(['wm 100', 'idle']);
    b.send({ kind: 'watermark-status', idle: false });
    b.send(batch('late-b'));
    b.send({ kind: 'watermark', watermark: 50 });
    b.send({ kind: 'watermark', watermark: 150 });
    await drain(gate, handler);
    // b's watermark 50 is behind what was already emitted: the combined watermark never goes back.
    expect(log).toEqual(['wm 100', 'idle', 'active', 'rows late-b', 'wm 150']);
  });
});
