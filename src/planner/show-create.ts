import { formatType } from '../common/types.js';
import type { CatalogObject } from './catalog/catalog.js';
import { printExpr, printQuery } from './parser/printer.js';

const q = (name: string) => `\`${name.replace(/`/g, '``')}\``;
const str = (value: string) => `'${value.replace(/'/g, "''")}'`;

/**
 * Flink's SHOW CREATE TABLE / SHOW CREATE VIEW: the object's DDL as the catalog holds it, with
 * fully qualified, quoted names. Expressions are printed as written (Flink prints them expanded,
 * with every identifier quoted).
 */
export function showCreate(object: CatalogObject): string {
  const id = object.identifier;
  const name = [id.catalog, id.database, id.name].map(q).join('.');
  if (object.kind === 'view') {
    const columns = object.columnNames ? ` (${object.columnNames.map(q).join(', ')})` : '';
    return `CREATE VIEW ${name}${columns} AS\n${printQuery(object.query)}\n`;
  }
  const elements = object.columns.map((c) => {
    const field = object.schema.fields.find((f) => f.name === c.name);
    const type = field ? formatType({ ...field.type, timeAttribute: undefined }) : '';
    const comment = c.comment !== undefined ? ` COMMENT ${str(c.comment)}` : '';
    switch (c.kind) {
      case 'computed':
        return `  ${q(c.name)} AS ${printExpr(c.expr!)}${comment}`;
      case 'metadata':
        return `  ${q(c.name)} ${type} METADATA${c.metadataKey !== c.name ? ` FROM ${str(c.metadataKey!)}` : ''}${c.virtual ? ' VIRTUAL' : ''}${comment}`;
      default:
        return `  ${q(c.name)} ${type}${comment}`;
    }
  });
  if (object.watermark)
    elements.push(`  WATERMARK FOR ${q(object.watermark.column)} AS ${printExpr(object.watermark.expr)}`);
  if (object.primaryKey)
    elements.push(
      `  CONSTRAINT ${q(object.primaryKey.name)} PRIMARY KEY (${object.primaryKey.columns.map(q).join(', ')}) NOT ENFORCED`,
    );
  let text = `CREATE TABLE ${name} (\n${elements.join(',\n')}\n)`;
  if (object.comment !== undefined) text += `\nCOMMENT ${str(object.comment)}`;
  if (object.partitionKeys.length > 0) text += `\nPARTITIONED BY (${object.partitionKeys.map(q).join(', ')})`;
  const options = Object.entries(object.options).map(([k, v]) => `  ${str(k)} = ${str(v)}`);
  return `${text} WITH (\n${options.join(',\n')}\n)\n`;
}
