/**
 * Positions of the `;` that end statements: those not inside a string, a quoted identifier or a
 * comment. The REPL runs what ends at the last one and keeps reading the rest.
 */
export function statementTerminators(text: string): number[] {
  const ends: number[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "'" || c === '`' || c === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === c) {
          if (text[i + 1] === c)
            i += 2; // a doubled quote escapes itself
          else break;
        } else i++;
      }
      i++;
    } else if (c === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      if (c === ';') ends.push(i);
      i++;
    }
  }
  return ends;
}

/** The words a statement starts with, past blank lines and `--` comments. */
const leadingWords = (statement: string) => statement.replace(/^(\s|--[^\n]*\n?)*/, '');

/** `EXECUTE STATEMENT SET BEGIN …; …; END;` is one statement however many `;` it holds. */
const opensExecuteSet = (statement: string) =>
  /^EXECUTE\s+STATEMENT\s+SET\s+BEGIN\b/i.test(leadingWords(statement));
const isEnd = (statement: string) => /^END\s*;$/i.test(leadingWords(statement).trim());

/** The statements `text` completes, one each, and the unfinished text after the last of them. */
export function splitStatements(text: string): { statements: string[]; offsets: number[]; rest: string } {
  const statements: string[] = [];
  /** Where each statement starts in `text`. */
  const offsets: number[] = [];
  let start = 0;
  let setStart: number | undefined;
  for (const end of statementTerminators(text)) {
    const statement = text.slice(start, end + 1);
    if (setStart === undefined && opensExecuteSet(statement)) setStart = start;
    if (setStart !== undefined) {
      if (isEnd(statement)) {
        statements.push(text.slice(setStart, end + 1));
        offsets.push(setStart);
        setStart = undefined;
      }
    } else if (statement.replace(/;$/, '').trim() !== '') {
      statements.push(statement);
      offsets.push(start);
    }
    start = end + 1;
  }
  return { statements, offsets, rest: text.slice(setStart ?? start) };
}
