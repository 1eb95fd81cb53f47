import { ForwardOperator } from './forward-operator.js';

/**
 * UNION ALL: rows and changes of every input pass through as they come. The vertex has one input
 * edge per union input; its input gate merges their channels and forwards the minimum watermark.
 */
export class UnionOperator extends ForwardOperator {}
