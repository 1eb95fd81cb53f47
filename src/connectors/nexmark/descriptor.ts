import {
  booleanOption,
  durationOption,
  enumOption,
  integerOption,
  memoryOption,
  stringOption,
} from '../../common/config.js';
import type { ConnectorDescriptor } from '../../common/connector.js';

/*
 * The options of nexmark-flink's table source factory, with its keys and defaults. Some are
 * declared upstream but never read by its generator (rate.shape, rate.period, rate.limited,
 * next-event.rate); they are accepted here for the same reason, so upstream DDL runs unchanged.
 */

const JAVA_INT_MAX = 2147483647;

export const RATE_SHAPE = enumOption({
  key: 'rate.shape',
  values: ['SQUARE', 'SINE'],
  defaultValue: 'SQUARE',
  description:
    'Shape of the event rate curve. Accepted for compatibility; the generator uses first-event.rate.',
});

export const RATE_PERIOD = durationOption({
  key: 'rate.period',
  defaultValue: 600_000,
  description: 'Period of the rate shape. Accepted for compatibility; not used by the generator.',
});

export const RATE_LIMITED = booleanOption({
  key: 'rate.limited',
  defaultValue: false,
  description: 'Accepted for compatibility; pacing is controlled by max-emit-speed.',
});

export const FIRST_EVENT_RATE = integerOption({
  key: 'first-event.rate',
  defaultValue: 10000,
  min: 1,
  max: JAVA_INT_MAX,
  description:
    'Events per second across all subtasks. It spaces the event timestamps; the source is paced by it only when max-emit-speed is false.',
});

export const NEXT_EVENT_RATE = integerOption({
  key: 'next-event.rate',
  defaultValue: 10000,
  min: 1,
  max: JAVA_INT_MAX,
  description: 'Accepted for compatibility; the generator uses first-event.rate.',
});

export const PERSON_AVG_SIZE = memoryOption({
  key: 'person.avg-size',
  defaultValue: 200,
  description: "Average size of a person event; its 'extra' field is padded towards it.",
});

export const AUCTION_AVG_SIZE = memoryOption({
  key: 'auction.avg-size',
  defaultValue: 500,
  description: "Average size of an auction event; its 'extra' field is padded towards it.",
});

export const BID_AVG_SIZE = memoryOption({
  key: 'bid.avg-size',
  defaultValue: 100,
  description: "Average size of a bid event; its 'extra' field is padded towards it.",
});

export const PERSON_PROPORTION = integerOption({
  key: 'person.proportion',
  defaultValue: 1,
  min: 0,
  description: 'Persons in every person.proportion + auction.proportion + bid.proportion events.',
});

export const AUCTION_PROPORTION = integerOption({
  key: 'auction.proportion',
  defaultValue: 3,
  min: 0,
  description: 'Auctions in every person.proportion + auction.proportion + bid.proportion events.',
});

export const BID_PROPORTION = integerOption({
  key: 'bid.proportion',
  defaultValue: 46,
  min: 0,
  description: 'Bids in every person.proportion + auction.proportion + bid.proportion events.',
});

export const BID_HOT_RATIO_AUCTIONS = integerOption({
  key: 'bid.hot-ratio.auctions',
  defaultValue: 2,
  min: 1,
  max: JAVA_INT_MAX,
  description: 'A bid goes to a hot auction with probability 1 - 1/ratio.',
});

export const BID_HOT_RATIO_BIDDERS = integerOption({
  key: 'bid.hot-ratio.bidders',
  defaultValue: 4,
  min: 1,
  max: JAVA_INT_MAX,
  description: 'A bid comes from a hot bidder with probability 1 - 1/ratio.',
});

export const AUCTION_HOT_RATIO_SELLERS = integerOption({
  key: 'auction.hot-ratio.sellers',
  defaultValue: 4,
  min: 1,
  max: JAVA_INT_MAX,
  description: 'An auction comes from a hot seller with probability 1 - 1/ratio.',
});

export const EVENTS_NUM = integerOption({
  key: 'events.num',
  defaultValue: 0,
  min: 0,
  description: 'Total events across all subtasks; 0 means unbounded.',
});

export const KEEP_ALIVE = booleanOption({
  key: 'keep-alive',
  defaultValue: false,
  description: 'Keep the source running (idle) once all its events are emitted, instead of finishing.',
});

export const STOP_AT = integerOption({
  key: 'stop-at',
  defaultValue: -1,
  min: -1,
  description: 'Stop after this many events across all subtasks; -1 means no stop.',
});

export const MAX_EMIT_SPEED = booleanOption({
  key: 'max-emit-speed',
  defaultValue: true,
  description:
    'Emit as fast as possible (the upstream default). When false, each event waits for its wall-clock time, so the source emits at first-event.rate.',
});

/** Not an upstream option: upstream takes the wall clock at planning time, which no rerun can repeat. */
export const BASE_TIME = stringOption({
  key: 'base-time',
  description:
    "weir extension: the timestamp of the first event, as epoch milliseconds or 'yyyy-MM-dd HH:mm:ss[.SSS]' (UTC), so that two runs produce identical rows. Defaults to the wall clock when the job first starts.",
});

/**
 * nexmark-flink's 'nexmark' source: the Nexmark benchmark's persons, auctions and bids, generated
 * as the upstream generator does, as rows of (event_type INT, person ROW<…>, auction ROW<…>,
 * bid ROW<…>) where only the column of the event's kind is non-NULL.
 */
export const nexmarkDescriptor: ConnectorDescriptor = {
  identifier: 'nexmark',
  requiredOptions: [],
  optionalOptions: [
    RATE_SHAPE,
    RATE_PERIOD,
    RATE_LIMITED,
    FIRST_EVENT_RATE,
    NEXT_EVENT_RATE,
    PERSON_AVG_SIZE,
    AUCTION_AVG_SIZE,
    BID_AVG_SIZE,
    PERSON_PROPORTION,
    AUCTION_PROPORTION,
    BID_PROPORTION,
    BID_HOT_RATIO_AUCTIONS,
    BID_HOT_RATIO_BIDDERS,
    AUCTION_HOT_RATIO_SELLERS,
    EVENTS_NUM,
    KEEP_ALIVE,
    STOP_AT,
    MAX_EMIT_SPEED,
    BASE_TIME,
  ],
  source: { changelogMode: 'insert-only' },
};
