import type { PrimaryKey } from '../catalog/catalog.js';
import type * as A from '../parser/ast.js';
import { validationError } from './errors.js';

/**
 * Flink's UpsertKafkaDynamicTableFactory checks: an upsert-kafka table needs a PRIMARY KEY (it is
 * the message key, and what updates and deletes refer to), and 'key.fields' is not set by hand.
 */
export function validateUpsertKafkaTable(ddl: A.CreateTable, primaryKey: PrimaryKey | undefined): void {
  const connector = ddl.options.find((o) => o.key === 'connector');
  if (connector?.value !== 'upsert-kafka') return;
  if (!primaryKey) {
    throw validationError(
      "'upsert-kafka' tables require to define a PRIMARY KEY constraint. The PRIMARY KEY specifies which columns should be read from or write to the Kafka message key. The PRIMARY KEY also defines records in the 'upsert-kafka' table should update or delete on which keys.",
      connector.valuePos,
      'declare PRIMARY KEY (…) NOT ENFORCED on the key columns',
    );
  }
}
