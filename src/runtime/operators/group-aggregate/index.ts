export { type Accumulator, createAccumulator } from './accumulators.js';
export { GroupAggregateOperator } from './operator.js';
