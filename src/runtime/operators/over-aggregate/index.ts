export { OverAggregateOperator } from './operator.js';
