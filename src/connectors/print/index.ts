export { printDescriptor } from './descriptor.js';
export { PrintSinkWriter, type PrintTarget, printSinkFactory } from './sink.js';
