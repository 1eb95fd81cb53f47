/**
 * The task's mailbox: actions from outside the task (checkpoint triggers, notifications,
 * cancellation) run on the task's own loop between two batches, so operators are never called
 * concurrently — Flink's mailbox model.
 */
export class Mailbox {
  private readonly actions: (() => void | Promise<void>)[] = [];
  private wake?: () => void;
  private interrupted = false;

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
    if (this.actions.length > 0 || this.interrupted) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }

  /**
   * Wakes the task for good (it is being cancelled): a pending whenNotEmpty resolves, and so does
   * every later one, so a task that was busy when cancelled cannot go to sleep afterwards.
   */
  interrupt(): void {
    this.interrupted = true;
    this.wake?.();
  }
}
