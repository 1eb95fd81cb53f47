import type { MessagePort } from 'node:worker_threads';
import type { RecordBatch } from '../api/batch.js';
import { decodeBatch, type EncodedBatch, encodeBatch } from './batch-codec.js';
import type { InputChannel, OutputChannel } from './channel.js';
import type { StreamElement } from './events.js';

/**
 * Channels between subtasks on two different threads. Every channel between the same two threads
 * shares one MessagePort (a ThreadLink). Elements are not posted one by one: the sender collects
 * what its tasks send during one turn of its event loop and posts it as one message, so records
 * cross threads in batches of batches. Credits flow back the same way.
 *
 * Flow control is Flink's credit-based scheme, as in LocalChannel: the sender may have `capacity`
 * batches outstanding (sent, not yet taken by the receiving task) and waits for credit beyond that,
 * so a slow consumer on another thread slows its producers and memory stays bounded.
 */

/** Names one channel: exchange (edge) index, upstream subtask, downstream subtask. */
export function channelKey(edge: number, upstream: number, downstream: number): string {
  return `${edge}:${upstream}:${downstream}`;
}

/** An element in order with the others, or an unaligned barrier that overtakes what is queued. */
type Item =
  | readonly [channel: string, element: StreamElement]
  | readonly [
      channel: string,
      priorityBarrier: { readonly checkpointId: number; readonly timestamp: number },
    ];

/** On the wire a batch goes encoded in a buffer that is transferred (batch-codec.ts). */
type WireItem = Item | readonly [channel: string, batch: EncodedBatch];

/** What one flush posts: elements for the peer's tasks, credits for its senders, or both. */
interface LinkMessage {
  readonly items?: readonly WireItem[];
  readonly credits?: readonly (readonly [channel: string, batches: number])[];
}

/** Rows up to which batches sent on one channel during one turn are joined before crossing. */
const COALESCE_ROWS = 4096;

/** One batch holding the rows of `batches` in order, with row kinds if any of them has them. */
function concatBatches(batches: readonly RecordBatch[]): RecordBatch {
  const rows: unknown[][] = [];
  for (const b of batches) for (const row of b.rows) rows.push(row);
  if (!batches.some((b) => b.kinds)) return { rows };
  const kinds = new Uint8Array(rows.length);
  let at = 0;
  for (const b of batches) {
    if (b.kinds) kinds.set(b.kinds, at);
    at += b.rows.length;
  }
  return { rows, kinds };
}

function isEncoded(item: WireItem): item is readonly [string, EncodedBatch] {
  return 'buffer' in item[1];
}

function isElement(item: Item): item is readonly [string, StreamElement] {
  return 'kind' in item[1];
}

export class ThreadLink {
  private pending: Item[] = [];
  private pendingCredits = new Map<string, number>();
  private flushScheduled = false;
  private readonly senders = new Map<string, RemoteOutputChannel>();
  private readonly receivers = new Map<string, RemoteInputChannel>();
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (message: LinkMessage) => this.onMessage(message));
  }

  outputChannel(key: string, capacity: number): RemoteOutputChannel {
    const channel = new RemoteOutputChannel(this, key, capacity);
    this.senders.set(key, channel);
    return channel;
  }

  inputChannel(key: string): RemoteInputChannel {
    const channel = new RemoteInputChannel(this, key);
    this.receivers.set(key, channel);
    return channel;
  }

  /** @internal called by RemoteOutputChannel */
  enqueue(item: Item): void {
    this.pending.push(item);
    this.scheduleFlush();
  }

  /** @internal called by RemoteInputChannel when its task took a batch */
  returnCredit(key: string): void {
    this.pendingCredits.set(key, (this.pendingCredits.get(key) ?? 0) + 1);
    this.scheduleFlush();
  }

  /** Posts what is pending now (an unaligned barrier should not wait for the end of the turn). */
  flush(): void {
    this.flushScheduled = false;
    if (this.closed) return;
    // One message per flush: each postMessage wakes the peer thread, which costs more than the
    // message itself, so credits ride along with the elements going the same way.
    let message: LinkMessage | undefined;
    const transfer: ArrayBuffer[] = [];
    if (this.pending.length > 0) {
      const items = this.coalesce(this.pending).map((item): WireItem => {
        const element = item[1];
        if (!('kind' in element) || element.kind !== 'batch') return item;
        const encoded = encodeBatch(element.batch);
        transfer.push(encoded.buffer);
        return [item[0], encoded];
      });
      this.pending = [];
      message = { items };
    }
    if (this.pendingCredits.size > 0) {
      const credits = [...this.pendingCredits];
      this.pendingCredits = new Map();
      message = { ...message, credits };
    }
    if (message) this.port.postMessage(message, transfer);
  }

  /**
   * Joins a channel's batches sent during one turn into one, up to COALESCE_ROWS rows, in place of
   * the first; a watermark, barrier or other event of the channel closes the batch being joined,
   * so every channel keeps its order. A hash exchange cuts each batch it is given into one part
   * per channel, and after a filter the parts are a few rows each: one credit per such part would
   * make a sender wait for the other thread after a few hundred rows (a thread hop takes a turn of
   * the peer's event loop), and encoding and decoding cost per batch. The joined batch takes one
   * credit; the credits of the batches joined into it go back to the sender at once.
   */
  private coalesce(pending: readonly Item[]): Item[] {
    const out: Item[] = [];
    const open = new Map<string, { at: number; batches: RecordBatch[]; rows: number }>();
    const joined: { at: number; batches: RecordBatch[] }[] = [];
    for (const item of pending) {
      const key = item[0];
      const element = isElement(item) ? item[1] : undefined;
      if (element?.kind !== 'batch') {
        open.delete(key);
        out.push(item);
        continue;
      }
      const batch = element.batch;
      const group = open.get(key);
      // Rows of one channel have one arity; the check only keeps a hand-made ragged batch apart.
      if (
        group &&
        group.rows + batch.rows.length <= COALESCE_ROWS &&
        batch.rows[0]?.length === group.batches[0].rows[0]?.length
      ) {
        if (group.batches.length === 1) joined.push(group);
        group.batches.push(batch);
        group.rows += batch.rows.length;
        continue;
      }
      open.set(key, { at: out.length, batches: [batch], rows: batch.rows.length });
      out.push(item);
    }
    for (const { at, batches } of joined) {
      const key = out[at][0];
      out[at] = [key, { kind: 'batch', batch: concatBatches(batches) }];
      this.senders.get(key)?.addCredit(batches.length - 1);
    }
    return out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.senders.values()) s.close();
    for (const r of this.receivers.values()) r.close();
    this.port.close();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.closed) return;
    this.flushScheduled = true;
    // After the current turn: what the tasks send meanwhile goes in the same message.
    setImmediate(() => this.flush());
  }

  private onMessage(message: LinkMessage): void {
    if (this.closed) return;
    if (message.credits) {
      for (const [key, batches] of message.credits) this.senders.get(key)?.addCredit(batches);
    }
    for (const item of message.items ?? []) {
      const receiver = this.receivers.get(item[0]);
      if (!receiver) continue;
      if (isEncoded(item)) receiver.deliver({ kind: 'batch', batch: decodeBatch(item[1]) });
      else if (isElement(item)) receiver.deliver(item[1]);
      else receiver.deliverPriorityBarrier(item[1].checkpointId, item[1].timestamp);
    }
  }
}

/** The sending half of a channel to a task on another thread. */
export class RemoteOutputChannel implements OutputChannel {
  private outstanding = 0;
  private creditWaiters: (() => void)[] = [];
  private closed = false;

  constructor(
    private readonly link: ThreadLink,
    private readonly key: string,
    readonly capacity: number,
  ) {}

  send(element: StreamElement): void | Promise<void> {
    if (this.closed) return;
    this.link.enqueue([this.key, element]);
    if (element.kind !== 'batch') return;
    this.outstanding++;
    if (this.outstanding > this.capacity) {
      return new Promise((resolve) => this.creditWaiters.push(resolve));
    }
  }

  /**
   * The barrier goes after what this side has sent (messages keep their order), and the receiving
   * half puts it ahead of everything still queued there: the same overtaking as LocalChannel's.
   */
  sendPriorityBarrier(checkpointId: number, timestamp: number): void {
    if (this.closed) return;
    this.link.enqueue([this.key, { checkpointId, timestamp }]);
    this.link.flush();
  }

  /** Batches the receiving task has taken. */
  addCredit(batches: number): void {
    this.outstanding -= batches;
    while (this.outstanding <= this.capacity && this.creditWaiters.length > 0) this.creditWaiters.shift()!();
  }

  /** Releases a blocked sender for good: the job is cancelled or failing over. */
  close(): void {
    this.closed = true;
    for (const w of this.creditWaiters.splice(0)) w();
  }
}

/** The receiving half of a channel from a task on another thread. */
export class RemoteInputChannel implements InputChannel {
  private readonly queue: StreamElement[] = [];
  private onData?: () => void;
  private closed = false;

  constructor(
    private readonly link: ThreadLink,
    private readonly key: string,
  ) {}

  get isEmpty(): boolean {
    return this.queue.length === 0;
  }

  poll(): StreamElement | undefined {
    const element = this.queue.shift();
    if (element?.kind === 'batch') this.link.returnCredit(this.key);
    return element;
  }

  whenData(listener: () => void): void {
    if (this.queue.length > 0) listener();
    else this.onData = listener;
  }

  deliver(element: StreamElement): void {
    if (this.closed) return;
    this.queue.push(element);
    this.notify();
  }

  deliverPriorityBarrier(checkpointId: number, timestamp: number): void {
    if (this.closed) return;
    const overtaken = this.queue.flatMap((e) => (e.kind === 'batch' ? [e.batch] : []));
    // The overtaken batches stay queued (the task still processes them, after the barrier) and are
    // the checkpoint's in-flight state too; their credit goes back when they are polled, as any.
    this.queue.unshift({ kind: 'barrier', checkpointId, timestamp, overtaken });
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
  }

  private notify(): void {
    const listener = this.onData;
    this.onData = undefined;
    listener?.();
  }
}
