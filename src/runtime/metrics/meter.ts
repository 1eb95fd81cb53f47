/**
 * A rate over a growing counter, computed when it is read (Flink's MeterView, without a timer):
 * each read may keep a sample, at most one a second, and the rate is taken against the newest
 * sample at least a window old. Nothing runs on the record path.
 */
export class MeterView {
  private readonly samples: { t: number; v: number }[] = [];

  constructor(
    private readonly windowMs = 5000,
    private readonly sampleEveryMs = 1000,
  ) {}

  /**
   * The rate per second of `count` at `now`. `since` is when the counter started from zero: before
   * two samples a second apart exist, the rate is the average since then.
   */
  rate(count: number, now: number, since: number): number {
    const s = this.samples;
    // A counter that went down belongs to a new task attempt: its history no longer applies.
    if (s.length > 0 && count < s[s.length - 1].v) s.length = 0;
    if (s.length === 0 || now - s[s.length - 1].t >= this.sampleEveryMs) s.push({ t: now, v: count });
    while (s.length > 1 && now - s[1].t >= this.windowMs) s.shift();
    const ref = s[0];
    if (now - ref.t < this.sampleEveryMs) {
      const elapsed = now - since;
      return elapsed > 0 ? (count * 1000) / elapsed : 0;
    }
    return ((count - ref.v) * 1000) / (now - ref.t);
  }
}
