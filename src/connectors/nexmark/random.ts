/**
 * java.util.SplittableRandom's generator (SplitMix64 with the golden gamma), bit for bit, so that
 * the same seed draws the same numbers as the upstream Java generator. JavaScript has no 64-bit
 * integers that are fast enough for a per-event hot loop (BigInt allocates), so the 64-bit state
 * lives in two int32 halves and multiplications are done on 16-bit limbs.
 *
 * One instance is reseeded per event (`reset`) instead of allocating a new one. State and
 * intermediate words live in an Int32Array: int32 values beyond V8's small-integer range would
 * otherwise be boxed (allocated) on every store to a field or a module variable.
 */

// 0x9e3779b97f4a7c15, Java's GOLDEN_GAMMA.
const GAMMA_HI = 0x9e3779b9 | 0;
const GAMMA_LO = 0x7f4a7c15;

// mix32's multipliers 0x62a9d9ed799705f5 and 0xcb24d0a5c88c35b3; mix64's 0xbf58476d1ce4e5b9 and
// 0x94d049bb133111eb. The low words are also kept as 16-bit limbs for mulHigh.
const M32A_HI = 0x62a9d9ed;
const M32A_LO = 0x799705f5;
const M32B_HI = 0xcb24d0a5 | 0;
const M32B_LO = 0xc88c35b3 | 0;
const M64A_HI = 0xbf58476d | 0;
const M64A_LO = 0x1ce4e5b9;
const M64B_HI = 0x94d049bb | 0;
const M64B_LO = 0x133111eb;

const TWO_32 = 4294967296;
const TWO_NEG_53 = 2 ** -53;

/**
 * The high 32 bits of the unsigned product a * b (a, b taken as uint32), modulo 2^32. Only int32
 * operations (no doubles), so that TurboFan keeps it all in registers.
 */
function mulHigh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const cross1 = Math.imul(a1, b0);
  const cross2 = Math.imul(a0, b1);
  const mid = (Math.imul(a0, b0) >>> 16) + (cross1 & 0xffff) + (cross2 & 0xffff);
  return (((Math.imul(a1, b1) + (cross1 >>> 16)) | 0) + (((cross2 >>> 16) + (mid >>> 16)) | 0)) | 0;
}

const HI = 0;
const LO = 1;

export class SplittableRandom {
  /** [seed hi, seed lo, scratch hi, scratch lo]. */
  private readonly words = new Int32Array(4);

  constructor(seed = 0) {
    this.reset(seed);
  }

  /** Same state as `new SplittableRandom(seed)` in Java, for a non-negative safe integer seed. */
  reset(seed: number): void {
    this.words[HI] = Math.floor(seed / TWO_32);
    this.words[LO] = seed;
  }

  /** seed += GAMMA; the new seed is left in words[0..1]. */
  private advance(): void {
    const w = this.words;
    const lo = (w[LO] + GAMMA_LO) | 0;
    // Unsigned overflow of the low word carries into the high word.
    const carry = lo >>> 0 < GAMMA_LO ? 1 : 0;
    w[LO] = lo;
    w[HI] = (w[HI] + GAMMA_HI + carry) | 0;
  }

  /** Java's nextInt(): mix32 of the next seed. */
  nextInt(): number {
    this.advance();
    const w = this.words;
    const sh = w[HI];
    // z = (z ^ (z >>> 33)) * M32A
    const zl = w[LO] ^ (sh >>> 1);
    const pl = Math.imul(zl, M32A_LO);
    const ph = (mulHigh(zl, M32A_LO) + Math.imul(sh, M32A_LO) + Math.imul(zl, M32A_HI)) | 0;
    // (int) (((z ^ (z >>> 28)) * M32B) >>> 32): only the high word of the product is needed.
    const xh = ph ^ (ph >>> 28);
    const xl = pl ^ ((pl >>> 28) | (ph << 4));
    return (mulHigh(xl, M32B_LO) + Math.imul(xh, M32B_LO) + Math.imul(xl, M32B_HI)) | 0;
  }

  /** Java's nextInt(bound), the same rejection loop, so the same draws are consumed. */
  nextIntBounded(bound: number): number {
    let r = this.nextInt();
    const m = bound - 1;
    if ((bound & m) === 0) return r & m;
    for (let u = r >>> 1; ((u + m - (r = u % bound)) | 0) < 0; u = this.nextInt() >>> 1) {}
    return r;
  }

  /** Java's nextLong() (mix64 of the next seed) into words[2..3]. */
  private nextLongWords(): void {
    this.advance();
    const w = this.words;
    let hi = w[HI];
    let lo = w[LO];
    // z = (z ^ (z >>> 30)) * M64A
    lo ^= (lo >>> 30) | (hi << 2);
    hi ^= hi >>> 30;
    let pl = Math.imul(lo, M64A_LO);
    let ph = (mulHigh(lo, M64A_LO) + Math.imul(hi, M64A_LO) + Math.imul(lo, M64A_HI)) | 0;
    // z = (z ^ (z >>> 27)) * M64B
    lo = pl ^ ((pl >>> 27) | (ph << 5));
    hi = ph ^ (ph >>> 27);
    pl = Math.imul(lo, M64B_LO);
    ph = (mulHigh(lo, M64B_LO) + Math.imul(hi, M64B_LO) + Math.imul(lo, M64B_HI)) | 0;
    // z ^ (z >>> 31)
    w[2] = ph ^ (ph >>> 31);
    w[3] = pl ^ ((pl >>> 31) | (ph << 1));
  }

  /** Java's nextDouble(): the top 53 bits of nextLong() scaled to [0, 1). */
  nextDouble(): number {
    this.nextLongWords();
    const w = this.words;
    return ((w[2] >>> 0) * 2097152 + (w[3] >>> 11)) * TWO_NEG_53;
  }

  /** Java's nextLong() as a BigInt; only for rare paths (bounds beyond int range). */
  nextLong(): bigint {
    this.nextLongWords();
    const w = this.words;
    return BigInt.asIntN(64, (BigInt(w[2] >>> 0) << 32n) | BigInt(w[3] >>> 0));
  }
}
