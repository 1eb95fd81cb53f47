import { open } from 'node:fs/promises';

/** The last lines of a log file, for error messages; empty when the file is missing. */
export async function tailOf(file: string, maxLines = 25, maxBytes = 16_384): Promise<string> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    if (size > length) lines.shift();
    while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
    return lines.slice(-maxLines).join('\n');
  } catch {
    return '';
  } finally {
    await handle?.close();
  }
}

/** `text` indented under a heading, or nothing when there is no text, to append to an error message. */
export function excerpt(heading: string, text: string): string {
  const body = text.trim();
  if (!body) return '';
  return `\n${heading}:\n${body
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}`;
}
