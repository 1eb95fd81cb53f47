import { Admin, Consumer, type fetchV17 } from '@platformatic/kafka';
import { Configuration } from '../../common/config.js';
import { isWeirError, WeirError } from '../../common/errors.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { RowKind } from '../../common/types.js';
import type { OperatorContext, OperatorStateSnapshot, Output } from '../../runtime/api/operator.js';
import type { PollResult, SourceFactory, SourceReader } from '../../runtime/api/source.js';
import { committedBatches } from './aborted-filter.js';
import { partitionOwner } from './assignment.js';
import { brokerError, type KafkaClientSettings, kafkaClientSettings } from './client.js';
import { createRowCodec, type RowCodec } from './codec.js';
import { RawFetcher } from './fetch.js';
import {
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  parseSpecificOffsets,
  READ_COMMITTED,
  READ_UNCOMMITTED,
  tpKey,
} from './offsets.js';
import {
  type BoundedMode,
  GROUP_ID,
  SCAN_BOUNDED_MODE,
  SCAN_BOUNDED_SPECIFIC_OFFSETS,
  SCAN_BOUNDED_TIMESTAMP,
  SCAN_PARTITION_DISCOVERY,
  SCAN_STARTUP_MODE,
  SCAN_STARTUP_SPECIFIC_OFFSETS,
  SCAN_STARTUP_TIMESTAMP,
  type StartupMode,
  TOPIC,
  TOPIC_PATTERN,
} from './options.js';

/** Operator-state list of the reader's positions: the next offset to read per partition. */
/** Union list state: after a rescale every reader sees every offset and keeps those of its partitions. */
export const OFFSETS_STATE = 'union:kafka-offsets';
const MAX_BATCH_ROWS = 4096;
/** Retriable partition errors: the leader moved or metadata is stale. */
const STALE_METADATA = new Set([3, 5, 6, 74, 75]);
const OFFSET_OUT_OF_RANGE = 1;

interface OffsetEntry {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The reader parallelism that stored the entry: on rescale, entries move between readers. */
  readonly parallelism: number;
}

interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** Next offset to fetch; runs ahead of `emitted` by what is fetched but not yet emitted. */
  fetchOffset: bigint;
  /** Next offset after the last record emitted downstream: the checkpointed position. */
  emitted: bigint;
  /** Bounded reading stops before this offset. */
  stop?: bigint;
  /** The end of the partition as of the last fetch (the last stable offset under read_committed). */
  endOffset?: bigint;
}

interface Chunk {
  readonly state: PartitionState;
  readonly rows: unknown[][];
  /** Row kinds, for an upsert source (tombstones are deletes); absent when all are inserts. */
  readonly kinds?: number[];
  readonly next: bigint;
}

type FetchResponse = fetchV17.FetchResponse;

/**
 * One source subtask of a Kafka table, reading the partitions Flink's enumerator would give it,
 * with no consumer group membership: positions are checkpointed operator state, committed to
 * 'properties.group.id' only when a checkpoint completes (for monitoring, as Flink does).
 * Fetches run one round ahead of emission; poll() emits at most one batch and otherwise returns
 * 'wait' with the fetch in flight, so the task stays responsive to barriers.
 */
export class KafkaSourceReader implements SourceReader {
  private readonly restored = new Map<string, OffsetEntry>();
  private readonly partitions = new Map<string, PartitionState>();
  private chunks: Chunk[] = [];
  private inflight: Promise<void> | undefined;
  private failure: unknown;
  private readonly commits = new Map<number, OffsetEntry[]>();
  private ctx!: OperatorContext;
  private settings!: KafkaClientSettings;
  private codec!: RowCodec;
  /**
   * Set by upsert-kafka: a record with a null value (a tombstone) is a delete of its key, read
   * from the key alone; every other record an upsert.
   */
  protected tombstones: ((key: Buffer | null | undefined) => unknown[] | null) | undefined;
  private consumer!: Consumer;
  private fetcher!: RawFetcher;
  private admin!: Admin;
  private options!: Configuration;
  private isolationLevel = READ_COMMITTED;
  private groupId: string | undefined;
  private bounded: BoundedMode = 'unbounded';
  private discoveryInterval = 0;
  /** Key and value bytes of the records fetched (the source's numBytesIn). */
  private bytes = 0;
  private nextDiscovery = Number.POSITIVE_INFINITY;
  private metadataStale = false;
  private closed = false;
  private fetchSettings = {
    maxWaitTime: 500,
    minBytes: 1,
    maxBytes: 52_428_800,
    partitionMaxBytes: 1_048_576,
  };

  constructor(protected readonly spec: ConnectorSpec) {}

  initializeState(restored: OperatorStateSnapshot | undefined): void {
    for (const e of (restored?.[OFFSETS_STATE] ?? []) as OffsetEntry[])
      this.restored.set(tpKey(e.topic, e.partition), e);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const table = this.spec.table;
    this.options = new Configuration(Object.entries(this.spec.options));
    this.settings = kafkaClientSettings(this.spec.options, table);
    this.codec = createRowCodec(this.spec, 'source');
    const props = this.settings.properties;
    const isolation = props.get('isolation.level') ?? 'read_committed';
    if (isolation !== 'read_committed' && isolation !== 'read_uncommitted') {
      throw new WeirError(
        'KAFKA_ISOLATION_LEVEL',
        `Unknown 'properties.isolation.level' '${isolation}' (table ${table})`,
        {
          hint: 'Use read_committed or read_uncommitted.',
        },
      );
    }
    this.isolationLevel = isolation === 'read_committed' ? READ_COMMITTED : READ_UNCOMMITTED;
    const num = (key: string, fallback: number) => (props.has(key) ? Number(props.get(key)) : fallback);
    this.fetchSettings = {
      maxWaitTime: num('fetch.max.wait.ms', 500),
      minBytes: num('fetch.min.bytes', 1),
      maxBytes: num('fetch.max.bytes', 52_428_800),
      partitionMaxBytes: num('max.partition.fetch.bytes', 1_048_576),
    };
    this.groupId = this.options.get(GROUP_ID);
    this.bounded = this.options.require(SCAN_BOUNDED_MODE);
    this.discoveryInterval = this.options.require(SCAN_PARTITION_DISCOVERY);
    const clientId = props.get('client.id') ?? `weir-source-${ctx.subtaskIndex}`;
    this.consumer = new Consumer({
      ...this.settings.base,
      clientId,
      groupId: this.groupId ?? `weir-${ctx.jobId}`,
      isolationLevel: this.isolationLevel,
    });
    this.admin = new Admin({ ...this.settings.base, clientId });
    this.fetcher = new RawFetcher(this.settings, clientId);
    // Offsets are union state: every reader restored all of them and keeps its own partitions'.
    for (const [key, e] of this.restored) {
      if (partitionOwner(e.topic, e.partition, ctx.parallelism) !== ctx.subtaskIndex)
        this.restored.delete(key);
    }
    await this.discover(true);
  }

  async poll(output: Output): Promise<PollResult> {
    if (this.failure !== undefined) throw this.failure;
    const chunk = this.chunks.shift();
    if (chunk) {
      if (this.chunks.length === 0) this.startFetch();
      chunk.state.emitted = chunk.next;
      if (chunk.rows.length > 0)
        await output.emit(
          chunk.kinds ? { rows: chunk.rows, kinds: Uint8Array.from(chunk.kinds) } : { rows: chunk.rows },
        );
      return { status: 'emitted' };
    }
    if (this.bounded !== 'unbounded' && this.allFinished()) return { status: 'end' };
    // A subtask with no partition to read (more subtasks than partitions) waits for discovery; a
    // fetch round with nothing to fetch would resolve at once and spin the task loop.
    if (
      !this.inflight &&
      !this.hasPartitionToFetch() &&
      !this.metadataStale &&
      Date.now() < this.nextDiscovery
    )
      return {
        status: 'wait',
        untilMs: Number.isFinite(this.nextDiscovery) ? this.nextDiscovery : Date.now() + 60_000,
      };
    this.startFetch();
    const available = this.inflight;
    if (!available) {
      // Nothing to read here (no partition is ours): come back for partition discovery.
      return {
        status: 'wait',
        untilMs: Number.isFinite(this.nextDiscovery) ? this.nextDiscovery : Date.now() + 60_000,
      };
    }
    return { status: 'wait', available };
  }

  snapshotState(checkpointId: number): OperatorStateSnapshot {
    const entries: OffsetEntry[] = [...this.partitions.values()].map((p) => ({
      topic: p.topic,
      partition: p.partition,
      offset: Number(p.emitted),
      parallelism: this.ctx.parallelism,
    }));
    // Positions restored for partitions that are gone from metadata for now are kept, not forgotten.
    for (const [key, e] of this.restored) if (!this.partitions.has(key)) entries.push(e);
    if (this.groupId !== undefined) this.commits.set(checkpointId, entries);
    return { [OFFSETS_STATE]: entries };
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const entries = this.commits.get(checkpointId);
    for (const id of [...this.commits.keys()]) if (id <= checkpointId) this.commits.delete(id);
    if (!entries || entries.length === 0 || this.groupId === undefined || this.closed) return;
    if (this.settings.properties.get('commit.offsets.on.checkpoint') === 'false') return;
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>();
    for (const e of entries) {
      const list = byTopic.get(e.topic) ?? [];
      list.push({ partition: e.partition, offset: BigInt(e.offset) });
      byTopic.set(e.topic, list);
    }
    try {
      await this.admin.alterConsumerGroupOffsets({
        groupId: this.groupId,
        topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
      });
    } catch (err) {
      // Committed offsets only serve monitoring; the checkpoint holds the real position.
      this.ctx.log.warn(
        brokerError(
          this.settings,
          `Could not commit offsets of ${this.spec.table} to group '${this.groupId}'`,
          err,
        ).message,
      );
    }
  }

  /**
   * Per partition, Flink's KafkaSourceReader gauges: the position and the records between it and
   * the partition's end as the last fetch saw it (the consumer's records-lag); their sum is the
   * source's pendingRecords (FLIP-33).
   */
  bytesRead(): number {
    return this.bytes;
  }

  metrics(): Record<string, number> {
    const gauges: Record<string, number> = {};
    let pending = 0;
    for (const p of this.partitions.values()) {
      const scope = `KafkaSourceReader.topic.${p.topic}.partition.${p.partition}`;
      gauges[`${scope}.currentOffset`] = Number(p.emitted);
      if (p.endOffset === undefined || p.endOffset < 0n) continue;
      const lag = p.endOffset > p.emitted ? Number(p.endOffset - p.emitted) : 0;
      gauges[`${scope}.records-lag`] = lag;
      pending += lag;
    }
    gauges.pendingRecords = pending;
    return gauges;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([this.consumer?.close(true), this.admin?.close(), this.fetcher?.close()]);
  }

  private hasPartitionToFetch(): boolean {
    for (const p of this.partitions.values()) if (p.stop === undefined || p.fetchOffset < p.stop) return true;
    return false;
  }

  private allFinished(): boolean {
    for (const p of this.partitions.values()) if (p.stop === undefined || p.emitted < p.stop) return false;
    return true;
  }

  private startFetch(): void {
    if (this.inflight || this.closed) return;
    const round = async () => {
      if (this.metadataStale || Date.now() >= this.nextDiscovery) await this.discover(false);
      const active = [...this.partitions.values()].filter(
        (p) => p.stop === undefined || p.fetchOffset < p.stop,
      );
      if (active.length === 0) return;
      await this.fetchRound(active);
    };
    const promise = round()
      .catch((err) => {
        if (!this.closed)
          this.failure = brokerError(this.settings, `Reading ${this.spec.table} from Kafka failed`, err);
      })
      .finally(() => {
        if (this.inflight === promise) this.inflight = undefined;
      });
    this.inflight = promise;
  }

  private topicNames(): string[] | RegExp {
    const topic = this.options.get(TOPIC);
    const pattern = this.options.get(TOPIC_PATTERN);
    if ((topic === undefined) === (pattern === undefined)) {
      throw new WeirError(
        'KAFKA_TOPIC',
        `Table ${this.spec.table} needs exactly one of 'topic' and 'topic-pattern'`,
      );
    }
    if (pattern !== undefined) return new RegExp(`^(?:${pattern})$`);
    return topic!
      .split(';')
      .map((t) => t.trim())
      .filter((t) => t !== '');
  }

  /** Finds the partitions this reader owns and positions the new ones. */
  private async discover(initial: boolean): Promise<void> {
    const names = this.topicNames();
    let topics: string[];
    try {
      topics =
        names instanceof RegExp
          ? (await this.admin.listTopics()).filter((t) => names.test(t) && !t.startsWith('__'))
          : names;
    } catch (err) {
      throw brokerError(this.settings, `Listing topics for ${this.spec.table} failed`, err);
    }
    const fresh: PartitionState[] = [];
    if (topics.length > 0) {
      let metadata: Awaited<ReturnType<Consumer['metadata']>>;
      try {
        metadata = await this.consumer.metadata({ topics, forceUpdate: true });
      } catch (err) {
        throw brokerError(this.settings, `Reading metadata of topic(s) ${topics.join(', ')} failed`, err);
      }
      for (const [topic, info] of metadata.topics) {
        for (let partition = 0; partition < info.partitionsCount; partition++) {
          const key = tpKey(topic, partition);
          if (this.partitions.has(key)) continue;
          if (partitionOwner(topic, partition, this.ctx.parallelism) !== this.ctx.subtaskIndex) continue;
          const restored = this.restored.get(key);
          const state: PartitionState = {
            topic,
            partition,
            fetchOffset: restored ? BigInt(restored.offset) : -1n,
            emitted: restored ? BigInt(restored.offset) : -1n,
          };
          this.partitions.set(key, state);
          fresh.push(state);
        }
      }
    }
    this.metadataStale = false;
    this.nextDiscovery =
      this.discoveryInterval > 0 ? Date.now() + this.discoveryInterval : Number.POSITIVE_INFINITY;
    const unpositioned = fresh.filter((p) => p.fetchOffset < 0n);
    // Flink reads partitions that appear after the start from their beginning.
    if (unpositioned.length > 0)
      await this.position(
        unpositioned,
        initial ? this.options.require(SCAN_STARTUP_MODE) : 'earliest-offset',
      );
    if (this.bounded !== 'unbounded' && fresh.length > 0) await this.stoppingOffsets(fresh);
  }

  private async listOffsets(
    partitions: readonly PartitionState[],
    timestamp: bigint,
  ): Promise<Map<string, bigint>> {
    const topics = [...new Set(partitions.map((p) => p.topic))];
    const result = new Map<string, bigint>();
    try {
      const offsets = await this.consumer.listOffsets({
        topics,
        timestamp,
        isolationLevel: this.isolationLevel,
      });
      for (const [topic, list] of offsets) {
        for (let partition = 0; partition < list.length; partition++) {
          result.set(tpKey(topic, partition), list[partition]);
        }
      }
    } catch (err) {
      throw brokerError(this.settings, `Listing offsets of ${topics.join(', ')} failed`, err);
    }
    return result;
  }

  private async position(partitions: PartitionState[], mode: StartupMode): Promise<void> {
    const table = this.spec.table;
    let offsets: Map<string, bigint>;
    switch (mode) {
      case 'earliest-offset':
        offsets = await this.listOffsets(partitions, EARLIEST_TIMESTAMP);
        break;
      case 'latest-offset':
        offsets = await this.listOffsets(partitions, LATEST_TIMESTAMP);
        break;
      case 'timestamp': {
        const ts = this.options.get(SCAN_STARTUP_TIMESTAMP);
        if (ts === undefined) {
          throw new WeirError(
            'KAFKA_STARTUP_TIMESTAMP',
            `Table ${table} starts from 'timestamp' but sets no 'scan.startup.timestamp-millis'`,
          );
        }
        offsets = await this.listOffsets(partitions, BigInt(ts));
        const latest = await this.listOffsets(partitions, LATEST_TIMESTAMP);
        // No record at or after the timestamp: start at the end.
        for (const [k, o] of offsets) if (o < 0n) offsets.set(k, latest.get(k) ?? 0n);
        break;
      }
      case 'specific-offsets': {
        const text = this.options.get(SCAN_STARTUP_SPECIFIC_OFFSETS);
        if (text === undefined) {
          throw new WeirError(
            'KAFKA_SPECIFIC_OFFSETS',
            `Table ${table} starts from 'specific-offsets' but sets no 'scan.startup.specific-offsets'`,
          );
        }
        const specific = parseSpecificOffsets(text, SCAN_STARTUP_SPECIFIC_OFFSETS.key, table);
        offsets = await this.listOffsets(partitions, EARLIEST_TIMESTAMP);
        for (const p of partitions) {
          const o = specific.get(p.partition);
          if (o !== undefined) offsets.set(tpKey(p.topic, p.partition), o);
        }
        break;
      }
      case 'group-offsets':
        offsets = await this.groupOffsets(partitions);
        break;
      default: {
        const never: never = mode;
        return never;
      }
    }
    for (const p of partitions) {
      const o = offsets.get(tpKey(p.topic, p.partition)) ?? 0n;
      p.fetchOffset = o;
      p.emitted = o;
    }
  }

  private async groupOffsets(partitions: PartitionState[]): Promise<Map<string, bigint>> {
    const table = this.spec.table;
    if (this.groupId === undefined) {
      throw new WeirError(
        'KAFKA_GROUP_ID',
        `Table ${table} starts from 'group-offsets' but sets no 'properties.group.id'`,
        {
          hint: "Set 'properties.group.id', or choose another 'scan.startup.mode' (e.g. 'earliest-offset').",
        },
      );
    }
    const result = new Map<string, bigint>();
    try {
      const [group] = await this.admin.listConsumerGroupOffsets({ groups: [this.groupId] });
      for (const t of group?.topics ?? []) {
        for (const p of t.partitions)
          if (p.committedOffset >= 0n) result.set(tpKey(t.name, p.partitionIndex), p.committedOffset);
      }
    } catch (err) {
      throw brokerError(this.settings, `Reading the offsets of group '${this.groupId}' failed`, err);
    }
    const missing = partitions.filter((p) => !result.has(tpKey(p.topic, p.partition)));
    if (missing.length === 0) return result;
    const reset = this.settings.properties.get('auto.offset.reset') ?? 'none';
    if (reset !== 'earliest' && reset !== 'latest') {
      throw new WeirError(
        'KAFKA_NO_COMMITTED_OFFSET',
        `Group '${this.groupId}' has no committed offset for ${missing.map((p) => `${p.topic}-${p.partition}`).join(', ')} (table ${table})`,
        {
          hint: "Set 'properties.auto.offset.reset' to 'earliest' or 'latest', or choose another 'scan.startup.mode'.",
        },
      );
    }
    const fallback = await this.listOffsets(
      missing,
      reset === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP,
    );
    for (const [k, o] of fallback) if (!result.has(k)) result.set(k, o);
    return result;
  }

  private async stoppingOffsets(partitions: PartitionState[]): Promise<void> {
    const latest = await this.listOffsets(partitions, LATEST_TIMESTAMP);
    let stops = latest;
    if (this.bounded === 'timestamp') {
      const ts = this.options.get(SCAN_BOUNDED_TIMESTAMP);
      if (ts === undefined) {
        throw new WeirError(
          'KAFKA_BOUNDED_TIMESTAMP',
          `Table ${this.spec.table} stops at 'timestamp' but sets no 'scan.bounded.timestamp-millis'`,
        );
      }
      stops = await this.listOffsets(partitions, BigInt(ts));
      for (const [k, o] of stops) if (o < 0n) stops.set(k, latest.get(k) ?? 0n);
    } else if (this.bounded === 'specific-offsets') {
      const text = this.options.get(SCAN_BOUNDED_SPECIFIC_OFFSETS) ?? '';
      const specific = parseSpecificOffsets(text, SCAN_BOUNDED_SPECIFIC_OFFSETS.key, this.spec.table);
      for (const p of partitions) {
        const o = specific.get(p.partition);
        if (o !== undefined) stops.set(tpKey(p.topic, p.partition), o);
      }
    }
    for (const p of partitions) p.stop = stops.get(tpKey(p.topic, p.partition)) ?? 0n;
  }

  /** One fetch per leader broker for the given partitions; decoded rows become chunks. */
  private async fetchRound(active: PartitionState[]): Promise<void> {
    const metadata = await this.consumer.metadata({ topics: [...new Set(active.map((p) => p.topic))] });
    const byLeader = new Map<number, Map<string, PartitionState[]>>();
    const topicsById = new Map<string, string>();
    for (const p of active) {
      const info = metadata.topics.get(p.topic);
      const leader = info?.partitions[p.partition]?.leader;
      if (info === undefined || leader === undefined || leader < 0) {
        this.metadataStale = true;
        continue;
      }
      topicsById.set(info.id, p.topic);
      const perTopic = byLeader.get(leader) ?? new Map<string, PartitionState[]>();
      const list = perTopic.get(info.id) ?? [];
      list.push(p);
      perTopic.set(info.id, list);
      byLeader.set(leader, perTopic);
    }
    const { maxWaitTime, minBytes, maxBytes, partitionMaxBytes } = this.fetchSettings;
    await Promise.all(
      [...byLeader].map(async ([node, perTopic]) => {
        let response: FetchResponse;
        try {
          const broker = metadata.brokers.get(node);
          if (broker === undefined) {
            this.metadataStale = true;
            return;
          }
          response = await this.fetcher.fetch(broker, {
            maxWaitTime,
            minBytes,
            maxBytes,
            isolationLevel: this.isolationLevel,
            topics: [...perTopic].map(([topicId, list]) => ({
              topicId,
              partitions: list.map((p) => ({
                partition: p.partition,
                fetchOffset: p.fetchOffset,
                currentLeaderEpoch: -1,
                lastFetchedEpoch: -1,
                partitionMaxBytes,
              })),
            })),
          });
        } catch (err) {
          // Partition-level errors come as an error that carries the whole response.
          const partial = (err as { response?: FetchResponse }).response;
          if (!partial?.responses) throw err;
          response = partial;
        }
        for (const topicResponse of response.responses) {
          const topic = topicsById.get(topicResponse.topicId);
          if (topic === undefined) continue;
          for (const pr of topicResponse.partitions) {
            const state = this.partitions.get(tpKey(topic, pr.partitionIndex));
            if (state) await this.accept(state, pr);
          }
        }
      }),
    );
  }

  private decodeAt(
    state: PartitionState,
    offset: bigint,
    key: Buffer | null | undefined,
    value: Buffer | null | undefined,
  ): unknown[] | null {
    try {
      return this.codec.decode(key, value);
    } catch (err) {
      throw withRecordLocation(err, state.topic, state.partition, offset);
    }
  }

  private decodeTombstoneAt(
    decode: (key: Buffer | null | undefined) => unknown[] | null,
    state: PartitionState,
    offset: bigint,
    key: Buffer | null | undefined,
  ): unknown[] | null {
    try {
      return decode(key);
    } catch (err) {
      throw withRecordLocation(err, state.topic, state.partition, offset);
    }
  }

  private async accept(state: PartitionState, response: fetchV17.FetchResponsePartition): Promise<void> {
    if (response.errorCode === OFFSET_OUT_OF_RANGE) {
      const [earliest] = (await this.listOffsets([state], EARLIEST_TIMESTAMP)).values();
      this.ctx.log.warn(
        `Offset ${state.fetchOffset} of ${state.topic}-${state.partition} is out of range (deleted by retention?); ${this.spec.table} continues from ${earliest}.`,
      );
      state.fetchOffset = earliest ?? 0n;
      this.chunks.push({ state, rows: [], next: state.fetchOffset });
      return;
    }
    if (STALE_METADATA.has(response.errorCode)) {
      this.metadataStale = true;
      return;
    }
    if (response.errorCode !== 0) {
      throw new WeirError(
        'KAFKA_FETCH',
        `Fetching ${state.topic}-${state.partition} for ${this.spec.table} failed with Kafka error code ${response.errorCode}`,
        { kind: 'external' },
      );
    }
    state.endOffset =
      this.isolationLevel === READ_COMMITTED ? response.lastStableOffset : response.highWatermark;
    const stop = state.stop;
    let rows: unknown[][] = [];
    const tombstones = this.tombstones;
    let kinds: number[] | undefined = tombstones ? [] : undefined;
    let next = state.fetchOffset;
    const flush = () => {
      this.chunks.push(kinds ? { state, rows, kinds, next } : { state, rows, next });
      rows = [];
      if (kinds) kinds = [];
    };
    for (const { batch, control } of committedBatches(response)) {
      const batchEnd = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n;
      if (batchEnd <= next) continue;
      if (!control) {
        for (const record of batch.records) {
          const offset = batch.firstOffset + BigInt(record.offsetDelta);
          if (offset < next) continue;
          if (stop !== undefined && offset >= stop) break;
          this.bytes += (record.key?.length ?? 0) + (record.value?.length ?? 0);
          const tombstone = tombstones !== undefined && record.value == null;
          const row = tombstone
            ? this.decodeTombstoneAt(tombstones, state, offset, record.key)
            : this.decodeAt(state, offset, record.key, record.value);
          if (row !== null) {
            rows.push(row);
            kinds?.push(tombstone ? RowKind.DELETE : RowKind.INSERT);
          }
          next = offset + 1n;
          if (rows.length >= MAX_BATCH_ROWS) flush();
        }
      }
      if (stop !== undefined && batchEnd > stop) {
        next = next > stop ? next : stop;
        break;
      }
      next = batchEnd;
    }
    if (next !== state.fetchOffset || rows.length > 0) flush();
    state.fetchOffset = next;
  }
}

/**
 * A record that cannot be decoded fails with where it is — topic, partition and offset — so it can
 * be found and fixed or skipped ('json.ignore-parse-errors', 'csv.ignore-parse-errors').
 */
function withRecordLocation(err: unknown, topic: string, partition: number, offset: bigint): unknown {
  if (!isWeirError(err)) return err;
  return new WeirError(
    err.code,
    `${err.message} (topic ${topic}, partition ${partition}, offset ${offset})`,
    {
      kind: err.kind,
      hint: err.hint,
      cause: err.cause,
    },
  );
}

export const kafkaSourceFactory: SourceFactory = {
  createReader: (spec) => new KafkaSourceReader(spec),
};
