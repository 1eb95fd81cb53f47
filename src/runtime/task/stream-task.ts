import type { RecordBatch } from '../api/batch.js';
import type { OperatorStateSnapshot, Output, StreamOperator } from '../api/operator.js';
import type { PollResult, SourceReader } from '../api/source.js';
import type { SubtaskState } from '../checkpoint/coordinator.js';
import { Mailbox } from './mailbox.js';

export interface ChainedOperator {
  readonly operatorId: string;
  readonly operator: StreamOperator;
}

export interface StreamTaskHooks {
  acknowledgeCheckpoint(taskName: string, checkpointId: number, states: readonly SubtaskState[]): void;
  declineCheckpoint(taskName: string, checkpointId: number, reason: string): void;
  /** The task's input ended and every operator saw endInput; it now waits for finish(). */
  endOfInput(taskName: string): void;
}

/** Connects each operator to the next as plain calls: the chain has no queue inside. */
function chainOutputs(operators: readonly StreamOperator[]): Output[] {
  const outputs: Output[] = [];
  for (let i = 0; i < operators.length; i++) {
    const next = operators[i + 1];
    outputs.push(
      next
        ? {
            emit: (batch: RecordBatch) => next.processBatch(batch),
            emitWatermark: (wm: number) => next.processWatermark?.(wm),
          }
        : { emit: () => {}, emitWatermark: () => {} },
    );
  }
  return outputs;
}

/**
 * One parallel subtask of a source-headed chain. Its loop alternates between the mailbox and one
 * poll of the source reader; a checkpoint trigger therefore lands between two batches, which is
 * where the barrier is in the stream, and the whole chain snapshots in that gap.
 */
export class StreamTask {
  private readonly mailbox = new Mailbox();
  private cancelled = false;
  private finishRequested = false;
  private inputEnded = false;

  constructor(
    readonly taskName: string,
    readonly subtaskIndex: number,
    private readonly source: { readonly operatorId: string; readonly reader: SourceReader },
    private readonly chain: readonly ChainedOperator[],
    private readonly hooks: StreamTaskHooks,
  ) {}

  triggerCheckpoint(checkpointId: number): void {
    this.mailbox.put(() => this.performCheckpoint(checkpointId));
  }

  notifyCheckpointComplete(checkpointId: number): void {
    this.mailbox.put(async () => {
      await this.source.reader.notifyCheckpointComplete?.(checkpointId);
      for (const c of this.chain) await c.operator.notifyCheckpointComplete?.(checkpointId);
    });
  }

  notifyCheckpointAborted(checkpointId: number): void {
    this.mailbox.put(async () => {
      for (const c of this.chain) await c.operator.notifyCheckpointAborted?.(checkpointId);
    });
  }

  /** After endOfInput: let the task close (once the final checkpoint, if any, is through). */
  finish(): void {
    this.mailbox.put(() => {
      this.finishRequested = true;
    });
  }

  cancel(): void {
    this.cancelled = true;
    this.mailbox.interrupt();
  }

  async run(
    restored: ReadonlyMap<string, OperatorStateSnapshot>,
    openContext: (operatorId: string) => Parameters<StreamOperator['open']>[0],
  ): Promise<'finished' | 'cancelled'> {
    const operators = this.chain.map((c) => c.operator);
    const outputs = chainOutputs(operators);
    const head: Output = operators.length
      ? {
          emit: (b) => operators[0].processBatch(b),
          emitWatermark: (wm) => operators[0].processWatermark?.(wm),
        }
      : { emit: () => {}, emitWatermark: () => {} };
    try {
      await this.source.reader.initializeState(restored.get(this.source.operatorId));
      for (const c of this.chain) await c.operator.initializeState?.(restored.get(c.operatorId));
      // Open from the tail so that an operator's downstream is ready before it may emit.
      for (let i = this.chain.length - 1; i >= 0; i--) {
        await this.chain[i].operator.open(openContext(this.chain[i].operatorId), outputs[i]);
      }
      await this.source.reader.open(openContext(this.source.operatorId));

      while (!this.cancelled && !this.finishRequested) {
        await this.mailbox.runAll();
        if (this.cancelled || this.finishRequested) break;
        if (this.inputEnded) {
          await this.mailbox.whenNotEmpty();
          continue;
        }
        const result: PollResult = await this.source.reader.poll(head);
        if (result.status === 'end') {
          for (const op of operators) await op.endInput?.();
          this.inputEnded = true;
          this.hooks.endOfInput(this.taskName);
        } else if (result.status === 'wait' && this.mailbox.isEmpty) {
          await this.waitForInput(result);
        }
      }
    } catch (err) {
      // The failure is what the user must see; a second error while closing is secondary.
      await this.closeAll(operators).catch(() => {});
      throw err;
    }
    await this.closeAll(operators);
    return this.cancelled ? 'cancelled' : 'finished';
  }

  private async waitForInput(result: Extract<PollResult, { status: 'wait' }>): Promise<void> {
    const waits: Promise<void>[] = [this.mailbox.whenNotEmpty()];
    let timer: NodeJS.Timeout | undefined;
    if (result.untilMs !== undefined) {
      waits.push(
        new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, result.untilMs! - Date.now())))),
      );
    }
    if (result.available) waits.push(result.available);
    try {
      await Promise.race(waits);
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  private async performCheckpoint(checkpointId: number): Promise<void> {
    try {
      for (const c of this.chain) await c.operator.prepareSnapshotPreBarrier?.(checkpointId);
      const states: SubtaskState[] = [
        {
          operatorId: this.source.operatorId,
          subtaskIndex: this.subtaskIndex,
          snapshot: await this.source.reader.snapshotState(checkpointId),
        },
      ];
      for (const c of this.chain) {
        states.push({
          operatorId: c.operatorId,
          subtaskIndex: this.subtaskIndex,
          snapshot: (await c.operator.snapshotState?.(checkpointId)) ?? {},
        });
      }
      this.hooks.acknowledgeCheckpoint(this.taskName, checkpointId, states);
    } catch (err) {
      this.hooks.declineCheckpoint(this.taskName, checkpointId, (err as Error).message);
    }
  }

  private async closeAll(operators: readonly StreamOperator[]): Promise<void> {
    const errors: unknown[] = [];
    try {
      await this.source.reader.close();
    } catch (err) {
      errors.push(err);
    }
    for (const op of operators) {
      try {
        await op.close?.();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
