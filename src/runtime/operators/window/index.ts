export { assignWindows, type TimeWindow, windowStart } from './assigners.js';
export { SlicingWindowAggregateOperator } from './slicing-window-aggregate.js';
export { WindowAggregateOperator } from './window-aggregate.js';
export { WindowRankOperator } from './window-rank.js';
export { WindowTableFunctionOperator } from './window-table-function.js';
