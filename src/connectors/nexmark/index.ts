export { nexmarkDescriptor } from './descriptor.js';
export { NexmarkSourceReader, nexmarkSourceFactory } from './source.js';
