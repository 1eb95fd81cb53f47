/**
 * Nexmark's `com.github.nexmark.flink.udf.CountChar` (used by q14): how many bytes of the UTF-8
 * text equal the first byte of the character, 0 for a NULL text. A BIGINT NOT NULL, as the Java
 * function returns a primitive long.
 */
const encoder = new TextEncoder();

export default {
  resultType: 'BIGINT NOT NULL',
  argumentTypes: ['STRING', 'STRING'],
  eval(text: string | null, character: string | null): number {
    if (text === null) return 0;
    if (character === null || character.length === 0)
      throw new Error('CountChar needs a character to count (the second argument is empty or NULL)');
    const target = encoder.encode(character)[0];
    let count = 0;
    for (const byte of encoder.encode(text)) if (byte === target) count++;
    return count;
  },
};
