export { type Accumulator, createAccumulator } from './accumulators.js';
export { AggsHandle } from './aggs-handle.js';
export { LocalGroupAggregateOperator } from './local-group-aggregate.js';
export { MiniBatchAssignerOperator } from './mini-batch-assigner.js';
export {
  GlobalGroupAggregateOperator,
  MiniBatchGroupAggregateOperator,
} from './mini-batch-group-aggregate.js';
export { GroupAggregateOperator } from './operator.js';
