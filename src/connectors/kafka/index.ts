import type { RuntimeConnector } from '../../runtime/api/connectors.js';
import { kafkaSinkFactory } from './sink.js';
import { kafkaSourceFactory } from './source.js';

export { kafkaDescriptor } from './options.js';
export { KafkaSinkWriter } from './sink.js';
export { KafkaSourceReader } from './source.js';

export const kafkaConnector: RuntimeConnector = {
  identifier: 'kafka',
  source: kafkaSourceFactory,
  sink: kafkaSinkFactory,
};
