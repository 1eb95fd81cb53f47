import type { RuntimeConnector } from '../../src/runtime/index.js';

export declare const EMITTED: number;
export declare const WRITTEN: number;
export declare function committedTransactions(dir: string): unknown[];
export default function workerTestConnectors(args?: { counters?: Int32Array }): RuntimeConnector[];
