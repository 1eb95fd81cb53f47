export { filesystemDescriptor } from './descriptor.js';
export { FileSystemSourceReader, filesystemSourceFactory } from './source.js';
