import type { ConnectorDescriptor } from '../../common/connector.js';
import { formatValue } from '../../common/format.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import { ROW_KIND_SHORT } from '../../common/types.js';
import type { RecordBatch } from '../../runtime/api/batch.js';
import type { OperatorContext, StreamOperator } from '../../runtime/api/operator.js';
import type { SinkFactory } from '../../runtime/api/sink.js';
import type { PrintTarget } from '../print/index.js';

/**
 * The sink of a bare SELECT: the rows go to the client, which shows them as Flink's SQL client
 * does in tableau mode for a streaming query — one line per change, with its row kind.
 */
export const collectDescriptor: ConnectorDescriptor = {
  identifier: 'collect',
  requiredOptions: [],
  optionalOptions: [],
  sink: { acceptedChangelogModes: ['insert-only', 'retract', 'upsert'] },
};

const MIN_WIDTH = 12;

class CollectSinkWriter implements StreamOperator {
  private widths: number[] = [];

  constructor(
    private readonly spec: ConnectorSpec,
    private readonly target: PrintTarget,
  ) {}

  open(ctx: OperatorContext): void {
    const names = this.spec.schema.fields.map((f) => f.name);
    this.widths = names.map((n) => Math.max(MIN_WIDTH, n.length));
    if (ctx.subtaskIndex !== 0) return;
    const line = `+----+${this.widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
    this.target.write(
      `${line}\n| op |${names.map((n, i) => ` ${n.padStart(this.widths[i])} `).join('|')}|\n${line}\n`,
    );
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    const fields = this.spec.schema.fields;
    let text = '';
    for (let r = 0; r < batch.rows.length; r++) {
      const row = batch.rows[r];
      const kind = ROW_KIND_SHORT[batch.kinds ? batch.kinds[r] : 0];
      text += `| ${kind} |${fields.map((f, i) => ` ${formatValue(f.type, row[i]).padStart(this.widths[i])} `).join('|')}|\n`;
    }
    if (!this.target.write(text)) return new Promise((resolve) => this.target.once('drain', resolve));
  }
}

export function collectSinkFactory(target: PrintTarget): SinkFactory {
  return { createWriter: (spec) => new CollectSinkWriter(spec, target) };
}
