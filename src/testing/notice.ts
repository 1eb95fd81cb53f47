const said = new Set<string>();

/**
 * One line on stderr about what the kit did to the machine (started a broker, downloaded jars), once
 * per process, so a test log explains where a minute went without repeating itself per test file.
 * `WEIR_TESTING_QUIET=1` silences it.
 */
export function notice(message: string, onceKey: string = message): void {
  if (said.has(onceKey)) return;
  said.add(onceKey);
  if (process.env.WEIR_TESTING_QUIET === '1') return;
  process.stderr.write(`weir/testing: ${message}\n`);
}

export function seconds(sinceMs: number): string {
  return `${((Date.now() - sinceMs) / 1000).toFixed(1)} s`;
}
