export { assignWindows, type TimeWindow, windowStart } from './assigners.js';
export { WindowAggregateOperator } from './window-aggregate.js';
export { WindowTableFunctionOperator } from './window-table-function.js';
