/**
 * The task's mailbox: actions from outside the task (checkpoint triggers, notifications,
 * cancellation) run on the task's own loop between two batches, so operators are never called
 * concurrently — Flink's mailbox model.
 */
export class Mailbox {
  private readonly actions: (() => void | Promise<void>)[] = [];
  private wake?: () => void;

  put(action: () => void | Promise<void>): void {
    this.actions.push(action);
    this.wake?.();
  }

  get isEmpty(): boolean {
    return this.actions.length === 0;
  }

  async runAll(): Promise<void> {
    while (this.actions.length > 0) await this.actions.shift()!();
  }

  /** Resolves when an action is put, or at once if there is one. */
  whenNotEmpty(): Promise<void> {
    if (this.actions.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  /** Wakes a pending whenNotEmpty without an action (used when the task is cancelled). */
  interrupt(): void {
    this.wake?.();
  }
}
