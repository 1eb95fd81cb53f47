export { OverAggregateOperator } from './operator.js';
export { RetractableOverAggregateOperator } from './retractable.js';
