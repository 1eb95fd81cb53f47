import { describe, expect, it } from 'vitest';
import { Types } from '../common/types.js';
import { boxedTable, MaterializedResult, TableResultView, type TerminalOutput } from './result-view.js';

const I = 0;
const UB = 1;
const UA = 2;
const D = 3;

describe('MaterializedResult', () => {
  it('applies a changelog: updates replace, deletes remove one equal row, order is arrival order', () => {
    const r = new MaterializedResult(100);
    r.apply(I, ['a', '1']);
    r.apply(I, ['b', '1']);
    r.apply(UB, ['a', '1']);
    r.apply(UA, ['a', '2']);
    r.apply(I, ['c', '5']);
    r.apply(I, ['c', '5']);
    r.apply(D, ['c', '5']);
    expect(r.rows()).toEqual([
      ['b', '1'],
      ['a', '2'],
      ['c', '5'],
    ]);
    expect(r.rowCount).toBe(3);
    expect(r.rows(2)).toEqual([
      ['a', '2'],
      ['c', '5'],
    ]);
  });

  it('keeps at most maxRows rows, dropping the oldest, and ignores retractions of dropped rows', () => {
    const r = new MaterializedResult(2);
    for (const v of ['1', '2', '3']) r.apply(I, [v]);
    expect(r.rows()).toEqual([['2'], ['3']]);
    expect(r.evicted).toBe(1);
    r.apply(D, ['1']);
    r.apply(D, ['2']);
    expect(r.rows()).toEqual([['3']]);
    expect(r.rowCount).toBe(1);
  });

  it('stays correct across compaction of many retracted rows', () => {
    const r = new MaterializedResult(1_000_000);
    for (let i = 0; i < 5000; i++) {
      r.apply(I, [String(i)]);
      if (i % 5 !== 0) r.apply(D, [String(i)]);
    }
    expect(r.rowCount).toBe(1000);
    expect(r.rows(3)).toEqual([['4985'], ['4990'], ['4995']]);
  });
});

function fakeOutput(isTTY: boolean): TerminalOutput & { text: string } {
  return {
    text: '',
    isTTY,
    rows: 10,
    write(t: string) {
      this.text += t;
      return true;
    },
  };
}

describe('TableResultView', () => {
  it('off a terminal, prints the final table once, when the query ends', () => {
    const out = fakeOutput(false);
    const view = new TableResultView(out, 100);
    view.open(['word', 'cnt'], [Types.STRING(), Types.BIGINT()]);
    view.changes(
      [I, UB, UA],
      [
        ['hello', '1'],
        ['hello', '1'],
        ['hello', '2'],
      ],
    );
    expect(out.text).toBe('');
    view.finish();
    expect(out.text).toBe(`${boxedTable(['word', 'cnt'], [['hello', '2']])}\n1 row in result\n`);
    expect(out.text).toContain('|        hello |            2 |');
  });

  it('in a terminal, redraws in place: each drawing first moves back over the previous one', () => {
    const out = fakeOutput(true);
    const view = new TableResultView(out, 100);
    view.open(['n'], [Types.INT()]);
    const first = out.text;
    expect(first).toMatch(/^\+-+\+\n\|\s+n \|\n\+-+\+\n\+-+\+\nRows: 0 · updated /);
    for (let i = 0; i < 8; i++) view.changes([I], [[i]]);
    view.finish();
    const second = out.text.slice(first.length);
    expect(second.startsWith(`\x1b[${first.split('\n').length - 1}F\x1b[J`)).toBe(true);
    // 10 screen rows leave room for the last 4 rows.
    expect(second).toContain('Rows: 8 (the last 4 shown)');
    expect(second).toContain('|            7 |');
    expect(second).not.toContain('|            3 |');
    expect(second.endsWith('8 rows in result\n')).toBe(true);
  });
});
