import { afterAll, beforeAll, expect } from 'vitest';
import { type FlinkCluster, startFlink } from '../../src/testing/index.js';

/**
 * The Flink session cluster of one test file: started before its tests (the first run also downloads
 * Flink's jars with Maven, hence the long hook timeout), stopped after them. WEIR_FLINK_GATEWAY and
 * WEIR_FLINK_REST point the tests at a running cluster instead.
 */
export function useFlinkCluster(): () => FlinkCluster {
  let cluster: FlinkCluster | undefined;
  beforeAll(async () => {
    cluster = await startFlink({ slots: 8 });
  }, 600_000);
  afterAll(async () => {
    await cluster?.stop();
    // stop() waits for the JVMs: none of the three may outlive it.
    const running = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (const pid of Object.values(cluster?.pids ?? {}))
      expect(running(pid), `JVM ${pid} still runs`).toBe(false);
  }, 60_000);
  return () => {
    if (!cluster) throw new Error('useFlinkCluster(): the cluster exists only inside tests and hooks');
    return cluster;
  };
}
