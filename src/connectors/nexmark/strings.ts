import { SplittableRandom } from './random.js';

/**
 * The string material of the Nexmark generator: word lists, and the tables the upstream builds
 * once per JVM (a 1 MiB pool that 'extra' fields are cut from, the hot and per-channel URLs).
 * Upstream seeds those tables from the clock; weir seeds them with constants so that every run,
 * every worker and every restore sees the same strings.
 */

const MIN_STRING_LENGTH = 3;
const UNDERSCORE = 95;
const EXTRA_POOL_LENGTH = 1024 * 1024;
const EXTRA_POOL_SEED = 0x6e65786d; // 'nexm'
const URL_TABLE_SEED = 0x61726b21; // 'ark!'

export const US_STATES: readonly string[] = ['AZ', 'CA', 'ID', 'OR', 'WA', 'WY'];
export const US_CITIES: readonly string[] = [
  'Phoenix',
  'Los Angeles',
  'San Francisco',
  'Boise',
  'Portland',
  'Bend',
  'Redmond',
  'Seattle',
  'Kent',
  'Cheyenne',
];
export const FIRST_NAMES: readonly string[] = [
  'Peter',
  'Paul',
  'Luke',
  'John',
  'Saul',
  'Vicky',
  'Kate',
  'Julie',
  'Sarah',
  'Deiter',
  'Walter',
];
export const LAST_NAMES: readonly string[] = [
  'Shultz',
  'Abrams',
  'Spencer',
  'White',
  'Bartels',
  'Walton',
  'Smith',
  'Jones',
  'Noris',
];
export const HOT_CHANNELS: readonly string[] = ['Google', 'Facebook', 'Baidu', 'Apple'];
export const CHANNELS_NUMBER = 10_000;

export const CREDIT_CARD_GROUPS: readonly string[] = Array.from({ length: 10_000 }, (_, i) =>
  String(i).padStart(4, '0'),
);

/** Scratch for nextString: characters are written here, then copied out as one string. */
const scratch = Buffer.alloc(256);

/** Up to maxLength - 1 characters, lowercase letters with `special` at random, trimmed of spaces. */
export function nextString(random: SplittableRandom, maxLength: number, special = 32): string {
  const len = MIN_STRING_LENGTH + random.nextIntBounded(maxLength - MIN_STRING_LENGTH);
  for (let i = 0; i < len; i++) {
    scratch[i] = random.nextIntBounded(13) === 0 ? special : 97 + random.nextIntBounded(26);
  }
  // Java's trim(); only the space special can be trimmed.
  let start = 0;
  let end = len;
  while (start < end && scratch[start] === 32) start++;
  while (end > start && scratch[end - 1] === 32) end--;
  return scratch.toString('latin1', start, end);
}

/**
 * The upstream's character-by-character string, 'a' plus a signed remainder of a random int: the
 * negative remainders give the uppercase letters and punctuation that 'extra' fields contain.
 */
function generateExactString(random: SplittableRandom, length: number): string {
  const bytes = Buffer.allocUnsafe(length);
  let rnd = 0;
  let n = 0;
  for (let i = 0; i < length; i++) {
    if (n === 0) {
      rnd = random.nextInt();
      n = 6;
    }
    bytes[i] = 97 + (rnd % 26);
    rnd = (rnd / 26) | 0;
    n--;
  }
  return bytes.toString('latin1');
}

let extraPool: string | undefined;

function pool(): string {
  extraPool ??= generateExactString(new SplittableRandom(EXTRA_POOL_SEED), EXTRA_POOL_LENGTH);
  return extraPool;
}

/** A string of exactly `length`: a slice of the shared pool (no copy) unless it is very long. */
export function nextExactString(random: SplittableRandom, length: number): string {
  const p = pool();
  if (length < p.length / 2) {
    const offset = random.nextIntBounded(p.length - length);
    return p.substring(offset, offset + length);
  }
  return generateExactString(random, length);
}

/** Padding such that currentSize plus its length is on average desiredAverageSize. */
export function nextExtra(random: SplittableRandom, currentSize: number, desiredAverageSize: number): string {
  if (currentSize > desiredAverageSize) return '';
  const desired = desiredAverageSize - currentSize;
  const delta = Math.round(desired * 0.2);
  const minSize = desired - delta;
  return nextExactString(random, minSize + (delta === 0 ? 0 : random.nextIntBounded(2 * delta)));
}

function baseUrl(random: SplittableRandom): string {
  return (
    'https://www.nexmark.com/' +
    nextString(random, 5, UNDERSCORE) +
    '/' +
    nextString(random, 5, UNDERSCORE) +
    '/' +
    nextString(random, 5, UNDERSCORE) +
    '/item.htm?query=1'
  );
}

/** Java's Integer.reverse. */
function reverseBits(i: number): number {
  let r = 0;
  for (let b = 0; b < 32; b++) r = (r << 1) | ((i >>> b) & 1);
  return r | 0;
}

export interface UrlTables {
  readonly hotUrls: readonly string[];
  readonly channelNames: readonly string[];
  readonly channelUrls: readonly string[];
}

let urlTables: UrlTables | undefined;

/** The hot URLs and the per-channel URLs, drawn from one random in the upstream's order. */
export function urls(): UrlTables {
  if (urlTables) return urlTables;
  const random = new SplittableRandom(URL_TABLE_SEED);
  const hotUrls = HOT_CHANNELS.map(() => baseUrl(random));
  const channelNames: string[] = new Array(CHANNELS_NUMBER);
  const channelUrls: string[] = new Array(CHANNELS_NUMBER);
  for (let i = 0; i < CHANNELS_NUMBER; i++) {
    let url = baseUrl(random);
    if (random.nextIntBounded(10) > 0) {
      const reversed = reverseBits(i);
      // Java's Math.abs leaves Integer.MIN_VALUE negative; channel 1 keeps it.
      url += '&channel_id=' + (reversed === -2147483648 ? reversed : Math.abs(reversed));
    }
    channelNames[i] = 'channel-' + i;
    channelUrls[i] = url;
  }
  urlTables = { hotUrls, channelNames, channelUrls };
  return urlTables;
}

/** The seeds of the shared tables, for a comparison harness that must rebuild them elsewhere. */
export const TABLE_SEEDS = { extraPool: EXTRA_POOL_SEED, urls: URL_TABLE_SEED } as const;
