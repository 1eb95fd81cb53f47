/**
 * java.util.SplittableRandom's generator (SplitMix64 with the golden gamma), bit for bit, so that
 * the same seed draws the same numbers as the upstream Java generator. JavaScript has no 64-bit
 * integers that are fast enough for a per-event hot loop (BigInt allocates), so the 64-bit state
 * lives in two int32 halves and multiplications are done on 16-bit limbs.
 *
 * One instance is reseeded per event (`reset`) instead of allocating a new one.
 */

// 0x9e3779b97f4a7c15, Java's GOLDEN_GAMMA.
const GAMMA_HI = 0x9e3779b9 | 0;
const GAMMA_LO = 0x7f4a7c15 | 0;

const TWO_32 = 4294967296;
const TWO_NEG_53 = 2 ** -53;

/** Results of mul64, kept in module scope so the hot path allocates nothing. */
let productHi = 0;
let productLo = 0;

/** The low 64 bits of (ah:al) * (bh:bl), into productHi:productLo (int32 halves). */
function mul64(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  // The high half of the unsigned 32x32 product al*bl, exactly: every partial sum stays below 2^53.
  const mid = (Math.imul(a0, b0) >>> 16) + a0 * b1 + a1 * b0;
  const high = a1 * b1 + Math.floor(mid / 65536);
  productLo = Math.imul(al, bl);
  productHi = (high + Math.imul(ah, bl) + Math.imul(al, bh)) | 0;
}

export class SplittableRandom {
  private seedHi = 0;
  private seedLo = 0;

  constructor(seed = 0) {
    this.reset(seed);
  }

  /** Same state as `new SplittableRandom(seed)` in Java, for a non-negative safe integer seed. */
  reset(seed: number): void {
    this.seedHi = Math.floor(seed / TWO_32) | 0;
    this.seedLo = seed | 0;
  }

  private advance(): void {
    const lo = (this.seedLo >>> 0) + (GAMMA_LO >>> 0);
    this.seedLo = lo | 0;
    this.seedHi = (this.seedHi + GAMMA_HI + (lo >= TWO_32 ? 1 : 0)) | 0;
  }

  /** Java's nextInt(): mix32 of the next seed. */
  nextInt(): number {
    this.advance();
    // z = (z ^ (z >>> 33)) * 0x62a9d9ed799705f5
    mul64(this.seedHi, this.seedLo ^ (this.seedHi >>> 1), 0x62a9d9ed, 0x799705f5);
    // (int) (((z ^ (z >>> 28)) * 0xcb24d0a5c88c35b3) >>> 32)
    const hi = productHi ^ (productHi >>> 28);
    const lo = productLo ^ ((productLo >>> 28) | (productHi << 4));
    mul64(hi, lo, 0xcb24d0a5 | 0, 0xc88c35b3 | 0);
    return productHi;
  }

  /** Java's nextInt(bound), the same rejection loop, so the same draws are consumed. */
  nextIntBounded(bound: number): number {
    let r = this.nextInt();
    const m = bound - 1;
    if ((bound & m) === 0) return r & m;
    for (let u = r >>> 1; ((u + m - (r = u % bound)) | 0) < 0; u = this.nextInt() >>> 1) {}
    return r;
  }

  /** Java's nextLong() (mix64 of the next seed) into productHi:productLo. */
  private nextLongHalves(): void {
    this.advance();
    let hi = this.seedHi;
    let lo = this.seedLo;
    // z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9
    lo ^= (lo >>> 30) | (hi << 2);
    hi ^= hi >>> 30;
    mul64(hi, lo, 0xbf58476d | 0, 0x1ce4e5b9);
    // z = (z ^ (z >>> 27)) * 0x94d049bb133111eb
    hi = productHi;
    lo = productLo;
    lo ^= (lo >>> 27) | (hi << 5);
    hi ^= hi >>> 27;
    mul64(hi, lo, 0x94d049bb | 0, 0x133111eb);
    // z ^ (z >>> 31)
    hi = productHi;
    lo = productLo;
    productLo = lo ^ ((lo >>> 31) | (hi << 1));
    productHi = hi ^ (hi >>> 31);
  }

  /** Java's nextDouble(): the top 53 bits of nextLong() scaled to [0, 1). */
  nextDouble(): number {
    this.nextLongHalves();
    return ((productHi >>> 0) * 2097152 + (productLo >>> 11)) * TWO_NEG_53;
  }

  /** Java's nextLong() as a BigInt; only for rare paths (bounds beyond int range). */
  nextLong(): bigint {
    this.nextLongHalves();
    return BigInt.asIntN(64, (BigInt(productHi >>> 0) << 32n) | BigInt(productLo >>> 0));
  }
}
