export { datagenDescriptor } from './descriptor.js';
export { DatagenSourceReader, datagenSourceFactory } from './source.js';
