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

/** Pieces are gathered up to this size before a write, so small ones do not cost a write each. */
const WRITE_CHUNK = 1 << 20;
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
 * `metadata` as the file holds it, in pieces: text, or the UTF-8 bytes of a key group that a
 * backend handed over as bytes, taken as they are. Every line ends in a piece of its own, "\n".
 */
export function* metadataPieces(metadata: CheckpointMetadata): Generator<string | Uint8Array> {
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
      yield typeof group === 'string' || group instanceof Uint8Array ? group : stringifyState(group);
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
  let bytes = 0;
  /** Encoded pieces waiting for one writev, and text waiting to be encoded as one piece. */
  let buffers: Uint8Array[] = [];
  let buffered = 0;
  let text: string[] = [];
  let textLength = 0;
  const encodeText = () => {
    if (text.length === 0) return;
    const buffer = Buffer.from(text.join(''));
    text = [];
    textLength = 0;
    buffers.push(buffer);
    buffered += buffer.length;
  };
  const flush = async () => {
    encodeText();
    if (buffers.length === 0) return;
    const pieces = buffers;
    const length = buffered;
    buffers = [];
    buffered = 0;
    bytes += length;
    let written = (await handle.writev(pieces)).bytesWritten;
    // A write may take less than it was given: the rest goes a piece at a time.
    for (const piece of pieces) {
      if (written >= piece.length) {
        written -= piece.length;
        continue;
      }
      for (let offset = written; offset < piece.length; ) {
        offset += (await handle.write(piece, offset, piece.length - offset)).bytesWritten;
      }
      written = 0;
    }
  };
  try {
    for (const piece of metadataPieces(metadata)) {
      if (typeof piece === 'string' && piece.length < WRITE_CHUNK) {
        text.push(piece);
        textLength += piece.length;
        if (textLength < WRITE_CHUNK) continue;
        encodeText();
      } else if (typeof piece === 'string') {
        // A large line (a key group) is encoded on its own: joining it with others would copy it once more.
        encodeText();
        const buffer = Buffer.from(piece);
        buffers.push(buffer);
        buffered += buffer.length;
      } else {
        encodeText();
        buffers.push(piece);
        buffered += piece.length;
      }
      if (buffered >= WRITE_CHUNK) await flush();
    }
    await flush();
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
