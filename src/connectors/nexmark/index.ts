export { nexmarkDescriptor } from './descriptor.js';
export { NEXMARK_ROW_TYPE } from './schema.js';
export { NexmarkSourceReader, nexmarkSourceFactory } from './source.js';
