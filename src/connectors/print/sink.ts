import { Configuration } from '../../common/config.js';
import { formatRow } from '../../common/format.js';
import type { ConnectorSpec } from '../../common/jobgraph.js';
import type { LogicalType } from '../../common/types.js';
import type { RecordBatch } from '../../runtime/api/batch.js';
import type { OperatorContext, StreamOperator } from '../../runtime/api/operator.js';
import type { SinkFactory } from '../../runtime/api/sink.js';
import { PRINT_IDENTIFIER, STANDARD_ERROR } from './descriptor.js';

/** Where printed lines go; a stream such as process.stdout, replaceable in tests. */
export interface PrintTarget {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/**
 * Prints each batch with one write. When the terminal or pipe cannot keep up, the returned
 * promise holds the task until the stream drains: a slow reader slows the source.
 */
export class PrintSinkWriter implements StreamOperator {
  private prefix = '';
  private target!: PrintTarget;
  private readonly types: readonly LogicalType[];

  constructor(
    private readonly spec: ConnectorSpec,
    private readonly targets: { stdout: PrintTarget; stderr: PrintTarget },
  ) {
    this.types = spec.schema.fields.map((f) => f.type);
  }

  open(ctx: OperatorContext): void {
    const options = new Configuration(Object.entries(this.spec.options));
    const identifier = options.get(PRINT_IDENTIFIER);
    const subtask = ctx.parallelism > 1 ? String(ctx.subtaskIndex + 1) : undefined;
    // Flink's PrintSinkOutputWriter prefixes: "id:n> ", "id> ", "n> " or nothing.
    if (identifier !== undefined && identifier !== '')
      this.prefix = subtask ? `${identifier}:${subtask}> ` : `${identifier}> `;
    else if (subtask) this.prefix = `${subtask}> `;
    this.target = options.get(STANDARD_ERROR) ? this.targets.stderr : this.targets.stdout;
  }

  processBatch(batch: RecordBatch): void | Promise<void> {
    let text = '';
    for (let i = 0; i < batch.rows.length; i++) {
      text += `${this.prefix}${formatRow(this.types, (batch.kinds ? batch.kinds[i] : 0) as 0, batch.rows[i])}\n`;
    }
    if (!this.target.write(text)) {
      return new Promise((resolve) => this.target.once('drain', resolve));
    }
  }
}

export function printSinkFactory(targets: { stdout: PrintTarget; stderr: PrintTarget }): SinkFactory {
  return { createWriter: (spec) => new PrintSinkWriter(spec, targets) };
}
