import { describe, expect, it } from 'vitest';
import type { Expr } from '../../../common/expr.js';
import { type CalcCompileOptions, compileProjection } from './index.js';
import { BIGINT, ev, fn, INT, int, lit, ref, STRING, str, T } from './test-support.js';

const TS = T.TIMESTAMP(3);
const LTZ = T.TIMESTAMP_LTZ(3);
const ts = Date.UTC(2024, 1, 29, 13, 4, 5, 678); // Thursday 2024-02-29 13:04:05.678
const unit = (u: string) => lit(u, T.CHAR(u.length, false));
const UTC = { timeZone: 'UTC' };
const at = (e: Expr, row: unknown[] = [ts], options: CalcCompileOptions = UTC) => ev(e, row, options);

describe('EXTRACT and field functions', () => {
  it('extracts calendar and clock fields from a TIMESTAMP', () => {
    const fields: [string, number][] = [
      ['YEAR', 2024],
      ['QUARTER', 1],
      ['MONTH', 2],
      ['WEEK', 9],
      ['DAY', 29],
      ['DOY', 60],
      ['DOW', 5],
      ['HOUR', 13],
      ['MINUTE', 4],
      ['SECOND', 5],
      ['MILLISECOND', 5678],
      ['EPOCH', Math.floor(ts / 1000)],
      ['DECADE', 202],
      ['CENTURY', 21],
    ];
    for (const [u, expected] of fields)
      expect(at(fn('EXTRACT', [unit(u), ref(0, TS)], BIGINT)), u).toBe(expected);
  });

  it('works on DATE, TIME and TIMESTAMP_LTZ (in the session zone)', () => {
    expect(at(fn('EXTRACT', [unit('YEAR'), ref(0, T.DATE())], BIGINT), [-1])).toBe(1969);
    expect(at(fn('EXTRACT', [unit('HOUR'), ref(0, T.TIME(0))], BIGINT), [3_600_000 * 5])).toBe(5);
    expect(at(fn('HOUR', [ref(0, LTZ)], BIGINT), [ts], { timeZone: 'Asia/Kolkata' })).toBe(18);
    expect(at(fn('MINUTE', [ref(0, LTZ)], BIGINT), [ts], { timeZone: 'Asia/Kolkata' })).toBe(34);
    expect(at(fn('DAYOFMONTH', [ref(0, TS)], BIGINT))).toBe(29);
    expect(at(fn('SECOND', [ref(0, TS)], BIGINT))).toBe(5);
    expect(at(fn('HOUR', [ref(0, TS)], BIGINT), [null])).toBeNull();
  });

  it('ISO week of early January belongs to the previous year', () => {
    expect(
      at(fn('EXTRACT', [unit('WEEK'), ref(0, T.DATE())], BIGINT), [Date.UTC(2021, 0, 1) / 86_400_000]),
    ).toBe(53);
  });
});

describe('DATE_FORMAT and friends', () => {
  it('DATE_FORMAT uses java.time patterns', () => {
    const f = (p: string) => at(fn('DATE_FORMAT', [ref(0, TS), str(p)], STRING));
    expect(f('yyyy-MM-dd HH:mm:ss')).toBe('2024-02-29 13:04:05');
    expect(f('yyyy/MM/dd HH:mm:ss.SSS')).toBe('2024/02/29 13:04:05.678');
    expect(f('yy-M-d h:mm a')).toBe('24-2-29 1:04 PM');
    expect(f("EEE, MMM d ''yy 'at' HH")).toBe("Thu, Feb 29 '24 at 13");
    expect(f('EEEE MMMM D')).toBe('Thursday February 60');
  });

  it("DATE_FORMAT over a run of timestamps: each within or across its pattern's span", () => {
    const format = compileProjection([fn('DATE_FORMAT', [ref(0, TS), str('yyyy-MM-dd')], STRING)], UTC);
    const formatMinute = compileProjection([fn('DATE_FORMAT', [ref(0, TS), str('HH:mm')], STRING)], UTC);
    const day = Date.UTC(2024, 1, 29);
    const times = [day, day + 1, day + 86_399_999, day + 86_400_000, day - 1, day + 59_999, day + 60_000];
    expect(times.map((t) => format([t])[0])).toEqual([
      '2024-02-29',
      '2024-02-29',
      '2024-02-29',
      '2024-03-01',
      '2024-02-28',
      '2024-02-29',
      '2024-02-29',
    ]);
    expect(times.map((t) => formatMinute([t])[0])).toEqual([
      '00:00',
      '00:00',
      '23:59',
      '00:00',
      '23:59',
      '00:00',
      '00:01',
    ]);
  });

  it('DATE_FORMAT of a TIMESTAMP_LTZ and of a string', () => {
    expect(at(fn('DATE_FORMAT', [ref(0, LTZ), str('HH:mm')], STRING), [ts], { timeZone: 'Asia/Tokyo' })).toBe(
      '22:04',
    );
    expect(at(fn('DATE_FORMAT', [str('2024-01-02 03:04:05'), str('dd.MM.yyyy')], STRING))).toBe('02.01.2024');
  });

  it('an unknown pattern letter fails at compile time', () => {
    expect(() => compileProjection([fn('DATE_FORMAT', [ref(0, TS), str('yyyy-qq')], STRING)])).toThrow(
      /pattern letter 'q'/,
    );
  });

  it('TO_TIMESTAMP parses the default format and custom patterns; NULL when it does not parse', () => {
    expect(at(fn('TO_TIMESTAMP', [str('2024-02-29 13:04:05')], TS))).toBe(ts - 678);
    expect(at(fn('TO_TIMESTAMP', [str('2024-02-29 13:04:05.678')], TS))).toBe(ts);
    expect(at(fn('TO_TIMESTAMP', [str('29/02/2024 13.04'), str('dd/MM/yyyy HH.mm')], TS))).toBe(ts - 5678);
    expect(at(fn('TO_TIMESTAMP', [str('20240229'), str('yyyyMMdd')], TS))).toBe(Date.UTC(2024, 1, 29));
    expect(at(fn('TO_TIMESTAMP', [str('garbage')], TS))).toBeNull();
    expect(at(fn('TO_TIMESTAMP', [str('2023-02-29'), str('yyyy-MM-dd')], TS))).toBeNull();
  });

  it('FROM_UNIXTIME formats epoch seconds in the session zone', () => {
    expect(at(fn('FROM_UNIXTIME', [ref(0, BIGINT)], STRING), [0], { timeZone: 'UTC' })).toBe(
      '1970-01-01 00:00:00',
    );
    expect(
      at(fn('FROM_UNIXTIME', [ref(0, BIGINT), str('yyyy-MM-dd HH')], STRING), [0], {
        timeZone: 'Asia/Shanghai',
      }),
    ).toBe('1970-01-01 08');
  });

  it('UNIX_TIMESTAMP parses in the session zone; unparsable text gives Long.MIN_VALUE, not NULL (Flink)', () => {
    const opts = { timeZone: 'Asia/Shanghai' };
    expect(at(fn('UNIX_TIMESTAMP', [str('1970-01-01 08:00:01')], BIGINT), [], opts)).toBe(1);
    expect(at(fn('UNIX_TIMESTAMP', [str('1970/01/01'), str('yyyy/MM/dd')], BIGINT), [], opts)).toBe(
      -8 * 3600,
    );
    expect(at(fn('UNIX_TIMESTAMP', [str('nope')], BIGINT), [], opts)).toBe(-(2 ** 63));
    expect(at(fn('UNIX_TIMESTAMP', [], BIGINT), [], { clock: () => 1_700_000_000_500 })).toBe(1_700_000_000);
  });
});

describe('current time', () => {
  const clock = () => Date.UTC(2024, 5, 30, 22, 30);
  it('CURRENT_TIMESTAMP, NOW and PROCTIME are instants from the clock', () => {
    for (const name of ['CURRENT_TIMESTAMP', 'NOW', 'PROCTIME'])
      expect(ev(fn(name, [], LTZ), [], { clock })).toBe(clock());
  });

  it('LOCALTIMESTAMP and CURRENT_DATE are wall-clock values in the session zone', () => {
    const opts = { clock, timeZone: 'Asia/Shanghai' };
    expect(ev(fn('LOCALTIMESTAMP', [], TS), [], opts)).toBe(Date.UTC(2024, 6, 1, 6, 30));
    expect(ev(fn('CURRENT_DATE', [], T.DATE()), [], opts)).toBe(Date.UTC(2024, 6, 1) / 86_400_000);
    expect(ev(fn('CURRENT_DATE', [], T.DATE()), [], { clock, timeZone: 'UTC' })).toBe(
      Date.UTC(2024, 5, 30) / 86_400_000,
    );
  });

  it('reads the clock once per row', () => {
    let t = 0;
    const p = compileProjection([fn('NOW', [], LTZ), fn('CURRENT_TIMESTAMP', [], LTZ)], { clock: () => ++t });
    expect(p([])).toEqual([1, 1]);
    expect(p([])).toEqual([2, 2]);
  });
});

describe('TIMESTAMPADD and TIMESTAMPDIFF', () => {
  it('adds units, months clamp to the month end', () => {
    expect(at(fn('TIMESTAMPADD', [unit('HOUR'), int(2), ref(0, TS)], TS))).toBe(ts + 7_200_000);
    expect(at(fn('TIMESTAMPADD', [unit('MONTH'), int(1), ref(0, TS)], TS))).toBe(
      Date.UTC(2024, 2, 29, 13, 4, 5, 678),
    );
    expect(at(fn('TIMESTAMPADD', [unit('YEAR'), int(1), ref(0, TS)], TS))).toBe(
      Date.UTC(2025, 1, 28, 13, 4, 5, 678),
    );
    expect(at(fn('TIMESTAMPADD', [unit('WEEK'), int(-1), ref(0, TS)], TS))).toBe(ts - 7 * 86_400_000);
    expect(at(fn('TIMESTAMPADD', [unit('DAY'), int(3), ref(0, T.DATE())], T.DATE()), [10])).toBe(13);
  });

  it('counts whole units between two timestamps', () => {
    const diff = (u: string, a: number, b: number) =>
      at(fn('TIMESTAMPDIFF', [unit(u), ref(0, TS), ref(1, TS)], INT), [a, b]);
    expect(diff('DAY', Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 3, 12))).toBe(2);
    expect(diff('HOUR', Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 1))).toBe(-48);
    expect(diff('MONTH', Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 29))).toBe(0);
    expect(diff('MONTH', Date.UTC(2024, 0, 15), Date.UTC(2024, 3, 15))).toBe(3);
    expect(diff('YEAR', Date.UTC(2020, 5, 1), Date.UTC(2024, 4, 31))).toBe(3);
    expect(diff('SECOND', 0, 1999)).toBe(1);
  });
});
