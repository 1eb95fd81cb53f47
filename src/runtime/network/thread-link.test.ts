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
  // Resolves once the receiving link has handled `n` messages (its own listener runs first).
  let received = 0;
  const waiters: [number, () => void][] = [];
  port2.on('message', () => {
    received++;
    for (const [n, resolve] of waiters) if (received >= n) resolve();
  });
  const receivedMessages = (n: number) =>
    new Promise<void>((resolve) => (received >= n ? resolve() : waiters.push([n, resolve])));
  return { sender, receiver, posted, receivedMessages };
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
    // Each batch posted on its own: batches sent in one turn would be joined into one.
    expect(out.send(batch(1))).toBeUndefined();
    sender.flush();
    expect(out.send(batch(2))).toBeUndefined();
    sender.flush();
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
    const { sender, receiver, receivedMessages } = pair();
    const key = channelKey(1, 0, 0);
    const out = sender.outputChannel(key, 10);
    const input = receiver.inputChannel(key);
    out.send(batch(1));
    sender.flush();
    out.send(batch(2));
    out.sendPriorityBarrier(7, 100);
    // The priority barrier was posted at once, after the batches: once both messages are in, all
    // three have arrived.
    await receivedMessages(2);
    const got = await drain(input, 3);
    expect(got[0]).toEqual({
      kind: 'barrier',
      checkpointId: 7,
      timestamp: 100,
      overtaken: [{ rows: [[1]] }, { rows: [[2]] }],
    });
    expect(got.slice(1)).toEqual([batch(1), batch(2)]);
  });

  it("joins a channel's batches sent in one turn, never across its other elements, and returns their credit", async () => {
    const { sender, receiver } = pair();
    const key = channelKey(3, 0, 0);
    const other = channelKey(3, 1, 0);
    const out = sender.outputChannel(key, 3);
    const outOther = sender.outputChannel(other, 3);
    const input = receiver.inputChannel(key);
    const inputOther = receiver.inputChannel(other);
    out.send(batch(1));
    outOther.send(batch(10));
    out.send({ kind: 'batch', batch: { rows: [[2], [3]], kinds: Uint8Array.from([1, 2]) } });
    out.send(batch(4));
    out.send({ kind: 'watermark', watermark: 5 });
    // Four batches are beyond the credit of 3 until the turn's batches are joined.
    const wait = out.send(batch(6));
    expect(wait).toBeInstanceOf(Promise);
    outOther.send(batch(11));
    const got = await drain(input, 3);
    await wait;
    expect(got).toEqual([
      { kind: 'batch', batch: { rows: [[1], [2], [3], [4]], kinds: Uint8Array.from([0, 1, 2, 0]) } },
      { kind: 'watermark', watermark: 5 },
      batch(6),
    ]);
    expect(await drain(inputOther, 1)).toEqual([batch(10, 11)]);
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
