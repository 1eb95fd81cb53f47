import {
  FIRST_AUCTION_ID,
  FIRST_CATEGORY_ID,
  FIRST_PERSON_ID,
  interEventDelayUs,
  javaDiv,
  type NexmarkConfig,
  type NexmarkSplit,
  NUM_ACTIVE_PEOPLE,
  NUM_IN_FLIGHT_AUCTIONS,
  timestampForEvent,
} from './config.js';
import { SplittableRandom } from './random.js';
import {
  CHANNELS_NUMBER,
  CREDIT_CARD_GROUPS,
  FIRST_NAMES,
  HOT_CHANNELS,
  LAST_NAMES,
  nextExtra,
  nextString,
  type UrlTables,
  US_CITIES,
  US_STATES,
  urls,
} from './strings.js';

export const EVENT_TYPE_PERSON = 0;
export const EVENT_TYPE_AUCTION = 1;
export const EVENT_TYPE_BID = 2;

const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const HOT_SELLER_RATIO = 100;
const HOT_AUCTION_RATIO = 100;
const HOT_BIDDER_RATIO = 100;
const NUM_CATEGORIES = 5;
const HOT_CHANNELS_RATIO = 2;

/**
 * One split's event sequence, as nexmark-flink's NexmarkGenerator with its Person/Auction/Bid
 * generators: the event id decides the kind and the ids (person and auction ids follow the
 * proportions, hot sellers, bidders and auctions are the first of each block of 100), the event
 * number decides the timestamp (base time plus the inter-event delay, not the wall clock).
 *
 * The one deliberate difference: upstream draws from one unseeded SplittableRandom for the whole
 * run; here every event draws from a SplittableRandom seeded with its event id, so event n is
 * always the same event and a restore continues the exact sequence. With the same seed, each
 * event makes the same draws in the same order as upstream, so it is field-for-field the event
 * upstream's model generators produce from `new SplittableRandom(eventId)`.
 */
export class NexmarkGenerator {
  /** Events emitted so far: the split's checkpointed position. */
  emitted: number;
  private readonly limit: number;
  private readonly delayUs: number;
  private readonly random = new SplittableRandom();
  private readonly urls: UrlTables = urls();
  private readonly eventsForInFlightAuctions: number;

  constructor(
    private readonly config: NexmarkConfig,
    readonly split: NexmarkSplit,
    emitted: number,
    /** When false, stop-at is ignored, as upstream ignores a split's stop once the option is -1. */
    honourStopAt: boolean,
  ) {
    this.emitted = emitted;
    this.limit =
      honourStopAt && split.stopAt >= 0 ? Math.min(split.stopAt, split.maxEvents) : split.maxEvents;
    this.delayUs = interEventDelayUs(config, split.splits);
    this.eventsForInFlightAuctions =
      config.auctionProportion > 0
        ? javaDiv(NUM_IN_FLIGHT_AUCTIONS * config.totalProportion, config.auctionProportion)
        : 0;
  }

  remaining(): number {
    return Math.max(0, this.limit - this.emitted);
  }

  /** Event time of the event at `position` (0-based) of this split; upstream numbers events from 1. */
  timestampAt(position: number): number {
    return timestampForEvent(this.split.baseTime, this.delayUs, position + 1);
  }

  /** Generates the next `count` events into `rows` from index `at`. */
  fill(rows: unknown[][], at: number, count: number): void {
    const total = this.config.totalProportion;
    const person = this.config.personProportion;
    const personAuction = person + this.config.auctionProportion;
    let position = this.emitted;
    for (let i = 0; i < count; i++, position++) {
      const eventId = this.split.firstEventId + 1 + position;
      const timestamp = this.timestampAt(position);
      const rem = eventId - javaDiv(eventId, total) * total;
      this.random.reset(eventId);
      if (rem < person) {
        rows[at + i] = [EVENT_TYPE_PERSON, this.person(eventId, timestamp), null, null];
      } else if (rem < personAuction) {
        rows[at + i] = [EVENT_TYPE_AUCTION, null, this.auction(position, eventId, timestamp), null];
      } else {
        rows[at + i] = [EVENT_TYPE_BID, null, null, this.bid(eventId, timestamp)];
      }
    }
    this.emitted = position;
  }

  private person(eventId: number, timestamp: number): unknown[] {
    const r = this.random;
    const id = this.lastBase0PersonId(eventId) + FIRST_PERSON_ID;
    const name =
      FIRST_NAMES[r.nextIntBounded(FIRST_NAMES.length)] +
      ' ' +
      LAST_NAMES[r.nextIntBounded(LAST_NAMES.length)];
    const email = nextString(r, 7) + '@' + nextString(r, 5) + '.com';
    const creditCard =
      CREDIT_CARD_GROUPS[r.nextIntBounded(10_000)] +
      ' ' +
      CREDIT_CARD_GROUPS[r.nextIntBounded(10_000)] +
      ' ' +
      CREDIT_CARD_GROUPS[r.nextIntBounded(10_000)] +
      ' ' +
      CREDIT_CARD_GROUPS[r.nextIntBounded(10_000)];
    const city = US_CITIES[r.nextIntBounded(US_CITIES.length)];
    const state = US_STATES[r.nextIntBounded(US_STATES.length)];
    const size = 8 + name.length + email.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(r, size, this.config.avgPersonByteSize);
    return [id, name, email, creditCard, city, state, timestamp, extra];
  }

  private auction(position: number, eventId: number, timestamp: number): unknown[] {
    const r = this.random;
    const id = this.lastBase0AuctionId(eventId) + FIRST_AUCTION_ID;
    let seller: number;
    if (r.nextIntBounded(this.config.hotSellersRatio) > 0) {
      seller = javaDiv(this.lastBase0PersonId(eventId), HOT_SELLER_RATIO) * HOT_SELLER_RATIO;
    } else {
      seller = this.nextBase0PersonId(eventId);
    }
    seller += FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + r.nextIntBounded(NUM_CATEGORIES);
    const initialBid = nextPrice(r);
    // The auction lasts on average until numInFlightAuctions more auctions have been created.
    const future = this.timestampAt(position + this.eventsForInFlightAuctions);
    const expires = timestamp + 1 + this.nextLong(Math.max((future - timestamp) * 2, 1));
    const itemName = nextString(r, 20);
    const description = nextString(r, 100);
    const reserve = initialBid + nextPrice(r);
    const size = 8 + itemName.length + description.length + 40;
    const extra = nextExtra(r, size, this.config.avgAuctionByteSize);
    return [id, itemName, description, initialBid, reserve, timestamp, expires, seller, category, extra];
  }

  private bid(eventId: number, timestamp: number): unknown[] {
    const r = this.random;
    let auction: number;
    if (r.nextIntBounded(this.config.hotAuctionRatio) > 0) {
      auction = javaDiv(this.lastBase0AuctionId(eventId), HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO;
    } else {
      auction = this.nextBase0AuctionId(eventId);
    }
    auction += FIRST_AUCTION_ID;
    let bidder: number;
    if (r.nextIntBounded(this.config.hotBiddersRatio) > 0) {
      // The second person of the block, so that hot bidders and hot sellers differ.
      bidder = javaDiv(this.lastBase0PersonId(eventId), HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1;
    } else {
      bidder = this.nextBase0PersonId(eventId);
    }
    // Upstream adds FIRST_PERSON_ID twice to a bidder (BidGenerator.nextBid); kept, so bidder ids
    // are the ones Flink's Nexmark produces (1000 above the person they were drawn from).
    bidder += 2 * FIRST_PERSON_ID;
    const price = nextPrice(r);
    let channel: string;
    let url: string;
    if (r.nextIntBounded(HOT_CHANNELS_RATIO) > 0) {
      const i = r.nextIntBounded(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i];
      url = this.urls.hotUrls[i];
    } else {
      const i = r.nextIntBounded(CHANNELS_NUMBER);
      channel = this.urls.channelNames[i];
      url = this.urls.channelUrls[i];
    }
    const extra = nextExtra(r, 32, this.config.avgBidByteSize);
    return [auction, bidder, price, channel, url, timestamp, extra];
  }

  /** The last person id (base 0) created at or before this event. */
  private lastBase0PersonId(eventId: number): number {
    const c = this.config;
    const epoch = javaDiv(eventId, c.totalProportion);
    let offset = eventId - epoch * c.totalProportion;
    if (offset >= c.personProportion) offset = c.personProportion - 1;
    return epoch * c.personProportion + offset;
  }

  /** The last auction id (base 0) created at or before this event. */
  private lastBase0AuctionId(eventId: number): number {
    const c = this.config;
    let epoch = javaDiv(eventId, c.totalProportion);
    let offset = eventId - epoch * c.totalProportion;
    if (offset < c.personProportion) {
      epoch--;
      offset = c.auctionProportion - 1;
    } else if (offset >= c.personProportion + c.auctionProportion) {
      offset = c.auctionProportion - 1;
    } else {
      offset -= c.personProportion;
    }
    return epoch * c.auctionProportion + offset;
  }

  /** A random active person, or one of the next few to be created. */
  private nextBase0PersonId(eventId: number): number {
    const numPeople = this.lastBase0PersonId(eventId) + 1;
    const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
    return numPeople - activePeople + this.nextLong(activePeople + PERSON_ID_LEAD);
  }

  /** A random auction likely still open, or one of the next few to be created. */
  private nextBase0AuctionId(eventId: number): number {
    const maxAuction = this.lastBase0AuctionId(eventId);
    const minAuction = Math.max(maxAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
    return minAuction + this.nextLong(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
  }

  /** Upstream's LongGenerator.nextLong: uniform below int range, a skewed modulo beyond it. */
  private nextLong(n: number): number {
    if (n < 2147483647) return this.random.nextIntBounded(n);
    const v = this.random.nextLong() % BigInt(n);
    return Number(v < 0n ? -v : v);
  }
}

/**
 * Upstream's `Math.round(Math.pow(10.0, d * 6.0) * 100.0)`. Math.pow is the slowest step of a bid,
 * so the price is taken from exp, which differs from pow by a few ulps at most: that changes the
 * rounded result only next to a .5 boundary, and there pow decides.
 */
function nextPrice(r: SplittableRandom): number {
  const d = r.nextDouble();
  const v = Math.exp(d * 6.0 * Math.LN10) * 100.0;
  const fraction = v - Math.floor(v);
  if (Math.abs(fraction - 0.5) > v * 1e-13) return Math.round(v);
  return Math.round(10 ** (d * 6.0) * 100.0);
}
