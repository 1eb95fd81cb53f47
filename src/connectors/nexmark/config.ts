import type { Configuration } from '../../common/config.js';
import { WeirError } from '../../common/errors.js';
import {
  AUCTION_AVG_SIZE,
  AUCTION_HOT_RATIO_SELLERS,
  AUCTION_PROPORTION,
  BASE_TIME,
  BID_AVG_SIZE,
  BID_HOT_RATIO_AUCTIONS,
  BID_HOT_RATIO_BIDDERS,
  BID_PROPORTION,
  EVENTS_NUM,
  FIRST_EVENT_RATE,
  KEEP_ALIVE,
  MAX_EMIT_SPEED,
  PERSON_AVG_SIZE,
  PERSON_PROPORTION,
  STOP_AT,
} from './descriptor.js';

/** Fixed by the upstream configuration (not table options). */
export const NUM_IN_FLIGHT_AUCTIONS = 100;
export const NUM_ACTIVE_PEOPLE = 1000;
export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;

/** The generator settings shared by every split of a table, read from its options. */
export interface NexmarkConfig {
  readonly personProportion: number;
  readonly auctionProportion: number;
  readonly bidProportion: number;
  readonly totalProportion: number;
  readonly avgPersonByteSize: number;
  readonly avgAuctionByteSize: number;
  readonly avgBidByteSize: number;
  readonly hotAuctionRatio: number;
  readonly hotBiddersRatio: number;
  readonly hotSellersRatio: number;
  readonly firstEventRate: number;
  /**
   * Events over all splits; the upstream's "as many as fit" figure when events.num is 0. A BigInt,
   * since that figure can exceed 2^53 while the split arithmetic must stay exact.
   */
  readonly maxEvents: bigint;
  /** Events over all splits after which to stop, or -1. */
  readonly stopAt: number;
  readonly keepAlive: boolean;
  readonly maxEmitSpeed: boolean;
  /** From 'base-time', or undefined to take the wall clock at first start. */
  readonly baseTime: number | undefined;
}

/** One split's timeline: a contiguous range of event ids, as the upstream's GeneratorConfig.split. */
export interface NexmarkSplit {
  readonly index: number;
  /** How many splits the table was cut into; each one's events are that much further apart. */
  readonly splits: number;
  readonly firstEventId: number;
  readonly maxEvents: number;
  /** Stop after this many of the split's events, or -1. */
  readonly stopAt: number;
  readonly baseTime: number;
}

/**
 * Java's long division (truncating) for safe integers: `%` on doubles is exact and takes the
 * dividend's sign as Java's does, and dividing the exact multiple that remains is exact too.
 */
export function javaDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

const LONG_MAX = (1n << 63n) - 1n;

export function readConfig(options: Configuration, table: string): NexmarkConfig {
  const personProportion = options.require(PERSON_PROPORTION);
  const auctionProportion = options.require(AUCTION_PROPORTION);
  const bidProportion = options.require(BID_PROPORTION);
  const totalProportion = personProportion + auctionProportion + bidProportion;
  if (totalProportion <= 0) {
    throw new WeirError('NEXMARK_INVALID_PROPORTION', `The nexmark table ${table} would generate no events`, {
      hint: "Give at least one of 'person.proportion', 'auction.proportion', 'bid.proportion' a positive value.",
    });
  }
  const avgPersonByteSize = options.require(PERSON_AVG_SIZE);
  const avgAuctionByteSize = options.require(AUCTION_AVG_SIZE);
  const avgBidByteSize = options.require(BID_AVG_SIZE);
  const eventsNum = options.require(EVENTS_NUM);
  // Upstream caps an unbounded generator so that its size estimate does not overflow a long.
  const maxEvents =
    eventsNum > 0
      ? BigInt(eventsNum)
      : LONG_MAX /
        BigInt(totalProportion * Math.max(avgPersonByteSize, avgAuctionByteSize, avgBidByteSize, 1));
  return {
    personProportion,
    auctionProportion,
    bidProportion,
    totalProportion,
    avgPersonByteSize,
    avgAuctionByteSize,
    avgBidByteSize,
    hotAuctionRatio: options.require(BID_HOT_RATIO_AUCTIONS),
    hotBiddersRatio: options.require(BID_HOT_RATIO_BIDDERS),
    hotSellersRatio: options.require(AUCTION_HOT_RATIO_SELLERS),
    firstEventRate: options.require(FIRST_EVENT_RATE),
    maxEvents,
    stopAt: options.require(STOP_AT),
    keepAlive: options.require(KEEP_ALIVE),
    maxEmitSpeed: options.require(MAX_EMIT_SPEED),
    baseTime: parseBaseTime(options.get(BASE_TIME)),
  };
}

function parseBaseTime(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(text);
  if (m) {
    const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'));
    const t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
    if (!Number.isNaN(t)) return t;
  }
  throw new WeirError('CONFIG_INVALID_VALUE', `Invalid value '${raw}' for 'base-time'`, {
    hint: "'base-time' takes epoch milliseconds or a timestamp such as '2024-01-01 00:00:00.000' (UTC).",
  });
}

/**
 * Split `index` of `splits`: the upstream cuts the id space into equal ranges and gives each split
 * the same event numbers (so the same timestamps), with the last one taking the remainder. Unlike
 * upstream, a split whose share is 0 events generates none (upstream reads 0 as "unbounded").
 */
export function splitOf(
  config: NexmarkConfig,
  index: number,
  splits: number,
  baseTime: number,
): NexmarkSplit {
  const n = BigInt(splits);
  const share = config.maxEvents / n;
  const last = index === splits - 1;
  const firstEventId = 1n + BigInt(index) * share;
  const maxEvents = last ? config.maxEvents - share * (n - 1n) : share;
  const safe = BigInt(Number.MAX_SAFE_INTEGER);
  if (firstEventId >= safe) {
    throw new WeirError(
      'NEXMARK_ID_RANGE',
      `Split ${index} of ${splits} of a nexmark table would start at event id ${firstEventId}, beyond 2^53, which weir cannot represent exactly`,
      {
        hint: "Set 'events.num', or larger average sizes (the unbounded id space is 2^63 / (proportions * largest average size)).",
      },
    );
  }
  let stopAt = -1;
  if (config.stopAt >= 0) {
    const stopShare = Math.floor(config.stopAt / splits);
    stopAt = last ? config.stopAt - stopShare * (splits - 1) : stopShare;
  }
  return {
    index,
    splits,
    firstEventId: Number(firstEventId),
    // Beyond 2^53 ids cannot be exact; no run gets near that many events anyway.
    maxEvents: Number(maxEvents < safe - firstEventId ? maxEvents : safe - firstEventId),
    stopAt,
    baseTime,
  };
}

/** Upstream's inter-event delay of one split, in microseconds: each split runs its own timeline. */
export function interEventDelayUs(config: NexmarkConfig, splits: number): number {
  return (1000000.0 / config.firstEventRate) * splits;
}

/** Upstream's GeneratorConfig.timestampForEvent: `baseTime + (long) (n * delayUs) / 1000`. */
export function timestampForEvent(baseTime: number, delayUs: number, eventNumber: number): number {
  return baseTime + javaDiv(Math.trunc(eventNumber * delayUs), 1000);
}
