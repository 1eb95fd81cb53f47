export { filesystemDescriptor } from './descriptor.js';
export { legacyFilesystemConnector, legacyFilesystemDescriptor } from './legacy.js';
export { FileSystemSinkWriter, filesystemSinkFactory } from './sink.js';
export { FileSystemSourceReader, filesystemSourceFactory } from './source.js';
