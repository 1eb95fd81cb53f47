import type { fetchV17, RecordsBatch } from '@platformatic/kafka';

type FetchResponsePartition = fetchV17.FetchResponsePartition;

const IS_CONTROL = 1 << 5;
const IS_TRANSACTIONAL = 1 << 4;

/**
 * The record batches of one partition's fetch response that a read_committed reader may see, as
 * Kafka's Java consumer decides (Fetcher.CompletedFetch): a transactional batch is dropped while its
 * producer has an aborted transaction open at that offset, which the abort marker (a control batch)
 * closes. Unlike a filter that needs the marker in the same response, a response cut short before
 * the marker still hides the aborted records. Control batches are kept, flagged, so the position
 * can move past them.
 */
export function committedBatches(
  partition: FetchResponsePartition,
): { batch: RecordsBatch; control: boolean }[] {
  const batches = partition.records ?? [];
  const aborted = [...(partition.abortedTransactions ?? [])].sort((a, b) =>
    a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0,
  );
  const open = new Set<bigint>();
  let next = 0;
  const out: { batch: RecordsBatch; control: boolean }[] = [];
  for (const batch of batches) {
    const last = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (next < aborted.length && aborted[next].firstOffset <= last) open.add(aborted[next++].producerId);
    if (batch.attributes & IS_CONTROL) {
      // Control record key: version (int16), type (int16; 0 = abort, 1 = commit).
      const key = batch.records[0]?.key;
      if (key && key.length >= 4 && key.readInt16BE(2) === 0) open.delete(batch.producerId);
      out.push({ batch, control: true });
    } else if (batch.attributes & IS_TRANSACTIONAL && open.has(batch.producerId)) {
      out.push({ batch, control: true });
    } else {
      out.push({ batch, control: false });
    }
  }
  return out;
}
