import { describe, expect, it } from 'vitest';
import { didYouMean, formatError, positionAt, WeirError } from './errors.js';

describe('formatError', () => {
  it('underlines the offending text under its line, with file:line:column', () => {
    const source = 'SELECT a,\n       b FORM t';
    const offset = source.indexOf('FORM');
    const err = new WeirError('SQL_PARSE', "Unexpected 'FORM'", {
      position: positionAt(source, offset, 4),
      source,
      file: 'job.sql',
      hint: 'did you mean FROM?',
    });
    expect(formatError(err)).toBe(
      [
        "error[SQL_PARSE] at job.sql:2:10: Unexpected 'FORM'",
        '  2 |        b FORM t',
        '    |          ^^^^',
        'hint: did you mean FROM?',
      ].join('\n'),
    );
  });

  it('shifts a statement-relative position into the script', () => {
    const err = new WeirError('X', 'bad', { position: positionAt('SELECT x', 7) });
    const moved = err.withSource('-- c\nSELECT x', 'a.sql', positionAt('-- c\nSELECT x', 5));
    expect(moved.position).toMatchObject({ line: 2, column: 8, offset: 12 });
  });
});

describe('didYouMean', () => {
  it('finds the closest candidate', () => expect(didYouMean('pritn', ['print', 'datagen'])).toBe('print'));
  it('stays silent when nothing is close', () =>
    expect(didYouMean('kafka', ['print', 'datagen'])).toBeUndefined());
});
