import { MessageChannel } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { StreamElement } from './events.js';
import { channelKey, ThreadLink } from './thread-link.js';

// Both ends of a link in one thread: a MessageChannel delivers across its ports as it would
// between threads (asynchronously, in order, by structured clone).
const links: ThreadLink[] = [];
afterEach(() => {
  for (const l of links.splice(0)) l.close();
});
function pair() {
  const { port1, port2 } = new MessageChannel();
  const posted: unknown[] = [];
  const post = port1.postMessage.bind(port1);
  port1.postMessage = (message: unknown) => {
    posted.push(message);
    post(message);
  };
  const sender = new ThreadLink(port1);
  const receiver = new ThreadLink(port2);
  links.push(sender, receiver);
  return { sender, receiver, posted };
}

const batch = (...ids: number[]): StreamElement => ({
  kind: 'batch',
  batch: { rows: ids.map((id) => [id]) },
});
const nextData = (channel: { whenData(l: () => void): void }) =>
  new Promise<void>((resolve) => channel.whenData(resolve));

async function drain(channel: { isEmpty: boolean; poll(): StreamElement | undefined }, count: number) {
  const out: StreamElement[] = [];
  while (out.length < count) {
    if (channel.isEmpty) await nextData(channel as never);
    else out.push(channel.poll()!);
  }
  return out;
}

describe('ThreadLink', () => {
  it('delivers elements in order, what one turn sent as one message', async () => {
    const { sender, receiver, posted } = pair();
    const key = channelKey(0, 0, 1);
    const out = sender.outputChannel(key, 10);
    const input = receiver.inputChannel(key);
    out.send(batch(1, 2));
    out.send({ kind: 'watermark', watermark: 5 });
    out.send(batch(3));
    out.send({ kind: 'barrier', checkpointId: 1, timestamp: 0 });
    out.send({ kind: 'end-of-data' });
    const got = await drain(input, 5);
    expect(got.map((e) => e.kind)).toEqual(['batch', 'watermark', 'batch', 'barrier', 'end-of-data']);
    expect(got[0]).toEqual(batch(1, 2));
    expect(posted.filter((m) => (m as { items?: unknown[] }).items !== undefined)).toHaveLength(1);
  });

  it('makes the sender wait beyond its credit until the receiving task takes batches', async () => {
    const { sender, receiver } = pair();
    const key = channelKey(0, 0, 0);
    const out = sender.outputChannel(key, 2);
    const input = receiver.inputChannel(key);
    expect(out.send(batch(1))).toBeUndefined();
    expect(out.send(batch(2))).toBeUndefined();
    let released = false;
    const wait = out.send(batch(3));
    expect(wait).toBeInstanceOf(Promise);
    void (wait as Promise<void>).then(() => (released = true));
    // Events never wait for credit.
    expect(out.send({ kind: 'watermark', watermark: 1 })).toBeUndefined();
    await nextData(input);
    expect(released).toBe(false);
    await drain(input, 1);
    await wait;
    expect(released).toBe(true);
  });

  it('an unaligned barrier overtakes what is queued at the receiver and carries those batches', async () => {
    const { sender, receiver } = pair();
    const key = channelKey(1, 0, 0);
    const out = sender.outputChannel(key, 10);
    const input = receiver.inputChannel(key);
    out.send(batch(1));
    out.send(batch(2));
    out.sendPriorityBarrier(7, 100);
    await nextData(input);
    // The priority barrier was posted at once, after the batches: all three have arrived.
    const got = await drain(input, 3);
    expect(got[0]).toEqual({
      kind: 'barrier',
      checkpointId: 7,
      timestamp: 100,
      overtaken: [{ rows: [[1]] }, { rows: [[2]] }],
    });
    expect(got.slice(1)).toEqual([batch(1), batch(2)]);
  });

  it('close lets a sender waiting for credit go', async () => {
    const { sender, receiver } = pair();
    const key = channelKey(0, 1, 0);
    const out = sender.outputChannel(key, 1);
    receiver.inputChannel(key);
    out.send(batch(1));
    const wait = out.send(batch(2));
    sender.close();
    await expect(wait).resolves.toBeUndefined();
  });
});

describe('batches across a link', () => {
  it('arrive with every value type intact, numeric columns transferred', async () => {
    const { sender, receiver } = pair();
    const key = channelKey(2, 0, 0);
    const out = sender.outputChannel(key, 10);
    const input = receiver.inputChannel(key);
    const rows = [
      [1, 'a', 12345n, null, -0, Number.NaN, new Uint8Array([1, 2]), new Map([['k', 1]]), [1, [2]]],
      [2 ** 53, 'b', -1n, true, 1.5, Number.POSITIVE_INFINITY, new Uint8Array(0), new Map(), []],
    ];
    out.send({ kind: 'batch', batch: { rows, kinds: Uint8Array.from([0, 3]) } });
    out.send({ kind: 'batch', batch: { rows: [[1, 2], [3]] } });
    const [first, second] = await drain(input, 2);
    expect(first).toEqual({ kind: 'batch', batch: { rows, kinds: Uint8Array.from([0, 3]) } });
    expect(Object.is((first as { batch: { rows: unknown[][] } }).batch.rows[0][4], -0)).toBe(true);
    expect(second).toEqual({ kind: 'batch', batch: { rows: [[1, 2], [3]] } });
  });
});
