import type { RuntimeConnector } from '../../runtime/api/connectors.js';
import { jdbcLookupFactory } from './lookup.js';
import { jdbcSinkFactory } from './sink.js';
import { jdbcSourceFactory } from './source.js';

export { jdbcDescriptor } from './descriptor.js';
export { JdbcLookupFunction } from './lookup.js';
export { JdbcSinkWriter } from './sink.js';
export { JdbcSourceReader } from './source.js';

export const jdbcConnector: RuntimeConnector = {
  identifier: 'jdbc',
  source: jdbcSourceFactory,
  sink: jdbcSinkFactory,
  lookup: jdbcLookupFactory,
};
