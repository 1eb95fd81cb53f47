import { type Broker, ConnectionPool, fetchV17 as fetchApi, type fetchV17 } from '@platformatic/kafka';
import type { KafkaClientSettings } from './client.js';

export interface FetchRequest {
  readonly maxWaitTime: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly isolationLevel: number;
  readonly topics: fetchV17.FetchRequestTopic[];
}

/**
 * Fetch requests sent with the client's protocol layer rather than Consumer.fetch. The consumer,
 * asked for read_committed, filters aborted records itself, and that filter throws — from a socket
 * callback, so it takes the whole process down — when a response holds an abort marker of a
 * producer missing from the response's aborted-transactions list (the crash loop met it reading a
 * topic after many aborted transactions). weir filters with committedBatches (aborted-filter.ts),
 * which needs only the raw response.
 */
export class RawFetcher {
  private readonly pool: ConnectionPool;

  constructor(settings: KafkaClientSettings, clientId: string) {
    const { tls, sasl, requestTimeout, connectTimeout } = settings.base;
    // Only what is set: an explicit undefined would replace the client's defaults.
    const options = Object.fromEntries(
      Object.entries({ tls, sasl, requestTimeout, connectTimeout }).filter(([, v]) => v !== undefined),
    );
    this.pool = new ConnectionPool(clientId, options);
  }

  async fetch(broker: Broker, request: FetchRequest): Promise<fetchV17.FetchResponse> {
    const connection = await this.pool.get(broker);
    return fetchApi.api.async(
      connection,
      request.maxWaitTime,
      request.minBytes,
      request.maxBytes,
      request.isolationLevel,
      0,
      0,
      request.topics,
      [],
      '',
    );
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
