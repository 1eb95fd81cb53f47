import type { ConnectorSpec } from '../../../common/jobgraph.js';
import type { OperatorContext } from '../../../runtime/api/operator.js';
import type { SourceFactory } from '../../../runtime/api/source.js';
import { KafkaSourceReader } from '../source.js';
import { tombstoneDecoder, upsertKafkaSpec } from './codec.js';

/**
 * The upsert-kafka source: the Kafka source (same partition assignment, offsets in checkpoints)
 * reading the topic from the earliest offset as an upsert changelog: a record is an upsert of its
 * key (+I here; the ChangelogNormalize after the source makes it +I or -U/+U), a tombstone a -D.
 */
export class UpsertKafkaSourceReader extends KafkaSourceReader {
  constructor(spec: ConnectorSpec) {
    // Flink's upsert-kafka always starts from the earliest offset and is unbounded.
    super(upsertKafkaSpec({ ...spec, options: { ...spec.options, 'scan.startup.mode': 'earliest-offset' } }));
  }

  override async open(ctx: OperatorContext): Promise<void> {
    this.tombstones = tombstoneDecoder(this.spec);
    await super.open(ctx);
  }
}

export const upsertKafkaSourceFactory: SourceFactory = {
  createReader: (spec) => new UpsertKafkaSourceReader(spec),
};
