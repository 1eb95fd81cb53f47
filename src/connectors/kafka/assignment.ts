/** Java's String.hashCode: 31-based over UTF-16 code units, with int overflow. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/**
 * The reader that owns a partition, as Flink's KafkaSourceEnumerator.getSplitOwner assigns it: a
 * topic's partitions go round-robin from a start index derived from the topic name, so a job reads
 * the same partitions on the same subtasks as Flink would and partitions of one topic spread evenly.
 */
export function partitionOwner(topic: string, partition: number, parallelism: number): number {
  const start = (Math.imul(javaStringHash(topic), 31) & 0x7fffffff) % parallelism;
  return (start + partition) % parallelism;
}
