import { open } from 'node:fs/promises';
import { parseState, stringifyState } from '../../common/serde.js';
import type { CheckpointMetadata, OperatorCheckpointState } from './metadata.js';

/**
 * `_metadata` as one JSON document written and read in pieces, so its size is bounded by the disk
 * rather than by the longest string V8 can hold (about 512 MiB), and writing gigabytes of canonical
 * state never builds them in memory twice. The document is laid out one piece a line (JSON
 * escapes every line break inside a string, so a line is always a whole piece):
 *
 *   {"format":…,"checkpointId":…,"operators":{          the header, operators opened
 *   "<operator id>":{"name":…,"subtasks":[…],"keyedState":{
 *   "<key group>":{…},                                  one line per key group
 *   }},                                                 keyedState and operator closed
 *   "<operator id>":{"name":…,"subtasks":[…]},          an operator without inlined keyed state
 *   }}
 *
 * Any JSON parser reads it as it is; readMetadataFile reads it a line at a time, and still reads
 * metadata written on one line by earlier versions.
 */

/** Text is encoded into a buffer of this size and written when the next piece may not fit. */
const WRITE_BUFFER = 4 << 20;
/** Bytes read at a time; a line longer than this is gathered from several reads. */
const READ_CHUNK = 16 << 20;

/**
 * The lines of a file, each decoded once it is whole. (node:readline appends every chunk to the
 * line it is gathering and was found to take minutes for a gigabyte of megabyte-long lines.)
 */
async function* linesOf(path: string): AsyncGenerator<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    let partial: Buffer[] = [];
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null);
      if (bytesRead === 0) break;
      let start = 0;
      for (
        let end = buffer.indexOf(10, start);
        end !== -1 && end < bytesRead;
        end = buffer.indexOf(10, start)
      ) {
        const piece = buffer.subarray(start, end);
        yield partial.length === 0
          ? piece.toString('utf8')
          : Buffer.concat([...partial, piece]).toString('utf8');
        partial = [];
        start = end + 1;
      }
      // The rest is the beginning of a line: copied, as the buffer is read into again.
      if (start < bytesRead) partial.push(Buffer.from(buffer.subarray(start, bytesRead)));
    }
    if (partial.length > 0) yield Buffer.concat(partial).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * `metadata` as the file holds it, in pieces of text: key groups that a backend handed over as
 * text are taken as they are, part by part. Every line ends in a piece of its own, "\n".
 */
export function* metadataPieces(metadata: CheckpointMetadata): Generator<string> {
  const { operators, ...header } = metadata;
  yield `${JSON.stringify(header).slice(0, -1)},"operators":{`;
  yield '\n';
  const ids = Object.keys(operators);
  for (let i = 0; i < ids.length; i++) {
    const comma = i < ids.length - 1 ? ',' : '';
    const { keyedState, ...rest } = operators[ids[i]];
    const key = JSON.stringify(ids[i]);
    if (keyedState === undefined) {
      yield `${key}:${stringifyState(rest)}${comma}`;
      yield '\n';
      continue;
    }
    yield `${key}:${stringifyState(rest).slice(0, -1)},"keyedState":{`;
    yield '\n';
    const groups = Object.keys(keyedState);
    for (let g = 0; g < groups.length; g++) {
      const group = keyedState[groups[g]];
      yield `${JSON.stringify(groups[g])}:`;
      if (typeof group === 'string') yield group;
      else if (Array.isArray(group)) yield* group as readonly string[];
      else yield stringifyState(group);
      yield g < groups.length - 1 ? ',' : '';
      yield '\n';
    }
    yield `}}${comma}`;
    yield '\n';
  }
  yield '}}';
  yield '\n';
}

/** Writes `metadata` to `path` and fsyncs it; returns the bytes written. */
export async function writeMetadataFile(path: string, metadata: CheckpointMetadata): Promise<number> {
  const handle = await open(path, 'w');
  // One buffer, encoded into and written again and again: a new one per write would be memory
  // outside the JS heap, and V8 starts a full marking of the heap for every 64 MB of that.
  const buffer = Buffer.allocUnsafeSlow(WRITE_BUFFER);
  let used = 0;
  let bytes = 0;
  const write = async (from: Buffer, length: number) => {
    bytes += length;
    // A write may take less than it was given.
    for (let offset = 0; offset < length; ) {
      offset += (await handle.write(from, offset, length - offset)).bytesWritten;
    }
  };
  try {
    for (const piece of metadataPieces(metadata)) {
      // A string of n UTF-16 units is at most 3n bytes of UTF-8.
      const most = 3 * piece.length;
      if (most > WRITE_BUFFER - used) {
        await write(buffer, used);
        used = 0;
      }
      if (most <= WRITE_BUFFER) {
        used += buffer.write(piece, used);
      } else {
        const large = Buffer.from(piece);
        await write(large, large.length);
      }
    }
    await write(buffer, used);
    await handle.sync();
  } finally {
    await handle.close();
  }
  return bytes;
}

/**
 * Reads what writeMetadataFile wrote a line at a time; a document on one line (earlier versions,
 * or edited by hand) is parsed whole. Throws on anything else, for the caller to report.
 */
export async function readMetadataFile(path: string): Promise<unknown> {
  const iterator = linesOf(path);
  try {
    const first = await iterator.next();
    if (first.done) throw new Error('the file is empty');
    if (!first.value.endsWith('"operators":{')) {
      // One document, possibly spread over lines some other way: gather it and parse it whole.
      const rest: string[] = [first.value];
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
      return parseState(rest.join('\n'));
    }
    const metadata = parseState(`${first.value}}}`) as { operators: Record<string, OperatorCheckpointState> };
    let open: Record<string, unknown> | undefined;
    let closed = false;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const text = next.value;
      if (closed) {
        if (text.trim() !== '') throw new Error('text after the end of the document');
        continue;
      }
      if (open) {
        if (text.startsWith('}}')) {
          open = undefined;
          continue;
        }
        Object.assign(open, parseState(`{${withoutComma(text)}}`));
        continue;
      }
      if (text === '}}') {
        closed = true;
        continue;
      }
      if (text.endsWith('"keyedState":{')) {
        const operator = parseState(`{${text}}}}`) as Record<string, { keyedState: Record<string, unknown> }>;
        Object.assign(metadata.operators, operator);
        open = Object.values(operator)[0].keyedState;
        continue;
      }
      Object.assign(metadata.operators, parseState(`{${withoutComma(text)}}`));
    }
    if (!closed) throw new Error('the document ends early');
    return metadata;
  } finally {
    await iterator.return(undefined);
  }
}

const withoutComma = (line: string) => (line.endsWith(',') ? line.slice(0, -1) : line);
