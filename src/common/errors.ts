/**
 * Every error a user can cause is a WeirError: a stable code, who is at fault (kind), a message that
 * says what to do, and — for SQL — the position of the offending text. The CLI prints user and
 * external errors as one block without a stack trace; internal errors keep theirs.
 */
export type ErrorKind = 'user' | 'external' | 'internal';

/** 1-based line and column, 0-based offset into the text the error refers to. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
  /** Length of the offending text, for the underline; 1 when unknown. */
  readonly length?: number;
}

export interface WeirErrorOptions {
  readonly kind?: ErrorKind;
  readonly position?: SourcePosition;
  /** The text `position` points into (a statement or a whole script), to print the offending line. */
  readonly source?: string;
  /** Name of the file the source came from, when it came from one. */
  readonly file?: string;
  readonly hint?: string;
  readonly cause?: unknown;
}

export class WeirError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly position?: SourcePosition;
  readonly source?: string;
  readonly file?: string;
  readonly hint?: string;

  constructor(code: string, message: string, options: WeirErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WeirError';
    this.code = code;
    this.kind = options.kind ?? 'user';
    this.position = options.position;
    this.source = options.source;
    this.file = options.file;
    this.hint = options.hint;
  }

  /** The same error, located in a larger text (a statement inside a script, a script inside a file). */
  withSource(source: string, file?: string, shift?: SourcePosition): WeirError {
    const position =
      this.position && shift
        ? {
            line: this.position.line + shift.line - 1,
            column: this.position.line === 1 ? this.position.column + shift.column - 1 : this.position.column,
            offset: this.position.offset + shift.offset,
            length: this.position.length,
          }
        : this.position;
    const copy = new WeirError(this.code, this.message, {
      kind: this.kind,
      position,
      source,
      file: file ?? this.file,
      hint: this.hint,
      cause: this.cause,
    });
    return copy;
  }
}

export function isWeirError(err: unknown): err is WeirError {
  return err instanceof WeirError;
}

/** Converts an offset into a 1-based line and column. */
export function positionAt(text: string, offset: number, length = 1): SourcePosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1, offset, length };
}

/**
 * Renders an error the way a user should see it:
 *
 *   error[SQL_PARSE] at job.sql:3:15: Unexpected token 'FORM'
 *     3 | SELECT a, b FORM t
 *       |             ^^^^
 *   hint: did you mean FROM?
 */
export function formatError(err: WeirError): string {
  const where = err.position
    ? ` at ${err.file ? `${err.file}:` : ''}${err.position.line}:${err.position.column}`
    : err.file
      ? ` in ${err.file}`
      : '';
  const lines = [`error[${err.code}]${where}: ${err.message}`];
  if (err.position && err.source !== undefined) {
    const srcLine = err.source.split('\n')[err.position.line - 1];
    if (srcLine !== undefined) {
      const gutter = String(err.position.line);
      const pad = ' '.repeat(gutter.length);
      const width = Math.max(1, Math.min(err.position.length ?? 1, srcLine.length - err.position.column + 1));
      lines.push(`  ${gutter} | ${srcLine.replace(/\t/g, ' ')}`);
      lines.push(`  ${pad} | ${' '.repeat(Math.max(0, err.position.column - 1))}${'^'.repeat(width)}`);
    }
  }
  if (err.hint) lines.push(`hint: ${err.hint}`);
  return lines.join('\n');
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

/** The closest candidate within a distance that scales with the word's length, if any. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}
