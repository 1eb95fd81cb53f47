import { ForwardOperator } from '../forward-operator.js';

/**
 * Flink's MiniBatchAssigner, which in Flink ends batches by emitting processing-time watermarks.
 * weir's mini-batch operators each keep their own latency timer (see MiniBatchOperator), so here
 * the vertex only marks, in the job graph as in EXPLAIN, where the interval applies: rows and
 * watermarks pass through unchanged, and it is chained to its input.
 */
export class MiniBatchAssignerOperator extends ForwardOperator {}
