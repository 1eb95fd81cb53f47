/**
 * Polls `probe` until it returns a value, `failed` reports a reason to stop, or the deadline passes.
 * Start-ups wait on a condition (the server answers), never on a fixed time.
 */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  options: {
    timeoutMs: number;
    intervalMs?: number;
    failed?: () => Promise<string | undefined> | string | undefined;
  },
): Promise<{ value: T } | { failure: string }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const failure = await options.failed?.();
    if (failure !== undefined) return { failure };
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { value };
    if (Date.now() > deadline)
      return { failure: `no answer within ${Math.round(options.timeoutMs / 1000)} s` };
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
