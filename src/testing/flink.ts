import { WeirError } from '../common/errors.js';
import { startLocalFlink } from './flink-local.js';
import type { FlinkCluster, StartFlinkOptions } from './flink-types.js';
import { notice } from './notice.js';

export type { FlinkCluster, FlinkConnection, StartFlinkOptions } from './flink-types.js';

/**
 * An Apache Flink 1.20 session cluster for tests:
 * - `WEIR_FLINK_GATEWAY=http://host:port` and `WEIR_FLINK_REST=http://host:port`: that running
 *   cluster's SQL Gateway and REST API (stop() leaves it alone);
 * - otherwise a local one on 127.0.0.1 — a job manager, one task manager and the SQL Gateway, three
 *   JVMs from Flink's jars fetched with Maven into the cache on first use. It lives in a temp folder,
 *   logs there, and cannot outlive this process (each JVM runs under the kit's guard).
 */
export async function startFlink(options: StartFlinkOptions = {}): Promise<FlinkCluster> {
  const gateway = options.ignoreEnv ? undefined : process.env.WEIR_FLINK_GATEWAY?.trim();
  const rest = options.ignoreEnv ? undefined : process.env.WEIR_FLINK_REST?.trim();
  if (gateway || rest) {
    if (!gateway || !rest || !/^https?:\/\//.test(gateway) || !/^https?:\/\//.test(rest)) {
      throw new WeirError(
        'TESTING_FLINK_ENV',
        'WEIR_FLINK_GATEWAY and WEIR_FLINK_REST must both be set, to http(s):// URLs',
        {
          hint: 'for example WEIR_FLINK_GATEWAY=http://127.0.0.1:8083 WEIR_FLINK_REST=http://127.0.0.1:8081',
        },
      );
    }
    notice(`using the Flink cluster at ${rest} with its SQL Gateway at ${gateway} (WEIR_FLINK_*)`);
    return {
      mode: 'external',
      gatewayUrl: gateway.replace(/\/$/, ''),
      restUrl: rest.replace(/\/$/, ''),
      stop: async () => {},
    };
  }
  return startLocalFlink(options);
}
