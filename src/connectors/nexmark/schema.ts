import type { RowField, RowType } from '../../common/types.js';
import { Types } from '../../common/types.js';

const field = (name: string, type: RowField['type']): RowField => ({ name, type });

/**
 * The physical columns of nexmark-flink's `datagen` table (ddl_gen.sql), in the order the source
 * writes them: a row per event, with only the ROW column of the event's kind non-NULL.
 */
export const NEXMARK_ROW_TYPE: RowType = {
  fields: [
    field('event_type', Types.INT()),
    field(
      'person',
      Types.ROW([
        field('id', Types.BIGINT()),
        field('name', Types.STRING()),
        field('emailAddress', Types.STRING()),
        field('creditCard', Types.STRING()),
        field('city', Types.STRING()),
        field('state', Types.STRING()),
        field('dateTime', Types.TIMESTAMP(3)),
        field('extra', Types.STRING()),
      ]),
    ),
    field(
      'auction',
      Types.ROW([
        field('id', Types.BIGINT()),
        field('itemName', Types.STRING()),
        field('description', Types.STRING()),
        field('initialBid', Types.BIGINT()),
        field('reserve', Types.BIGINT()),
        field('dateTime', Types.TIMESTAMP(3)),
        field('expires', Types.TIMESTAMP(3)),
        field('seller', Types.BIGINT()),
        field('category', Types.BIGINT()),
        field('extra', Types.STRING()),
      ]),
    ),
    field(
      'bid',
      Types.ROW([
        field('auction', Types.BIGINT()),
        field('bidder', Types.BIGINT()),
        field('price', Types.BIGINT()),
        field('channel', Types.STRING()),
        field('url', Types.STRING()),
        field('dateTime', Types.TIMESTAMP(3)),
        field('extra', Types.STRING()),
      ]),
    ),
  ],
};

/**
 * True when `schema` has the same columns (by name, case-insensitively), of the same type roots and
 * ROW arities: the source writes positionally, so anything else would mislabel values.
 */
export function matchesNexmarkSchema(schema: RowType): boolean {
  const expected = NEXMARK_ROW_TYPE.fields;
  return (
    schema.fields.length === expected.length &&
    expected.every((e, i) => {
      const f = schema.fields[i];
      return (
        f.name.toLowerCase() === e.name.toLowerCase() &&
        f.type.root === e.type.root &&
        (f.type.fields?.length ?? 0) === (e.type.fields?.length ?? 0)
      );
    })
  );
}
