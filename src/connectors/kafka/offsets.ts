import { WeirError } from '../../common/errors.js';

/** 'partition:0,offset:42;partition:1,offset:300' → partition → offset (Flink's specific-offsets syntax). */
export function parseSpecificOffsets(text: string, key: string, table: string): Map<number, bigint> {
  const result = new Map<number, bigint>();
  for (const part of text.split(';')) {
    if (part.trim() === '') continue;
    const m = /^\s*partition\s*:\s*(\d+)\s*,\s*offset\s*:\s*(\d+)\s*$/.exec(part);
    if (!m) {
      throw new WeirError('KAFKA_SPECIFIC_OFFSETS', `Invalid '${key}' of table ${table}: '${part}'`, {
        hint: "Write 'partition:0,offset:42;partition:1,offset:300'.",
      });
    }
    result.set(Number(m[1]), BigInt(m[2]));
  }
  return result;
}

/** Kafka's isolation levels as the Fetch and ListOffsets requests spell them. */
export const READ_UNCOMMITTED = 0;
export const READ_COMMITTED = 1;

/** ListOffsets' special timestamps. */
export const LATEST_TIMESTAMP = -1n;
export const EARLIEST_TIMESTAMP = -2n;

export const tpKey = (topic: string, partition: number) => `${partition}@${topic}`;
