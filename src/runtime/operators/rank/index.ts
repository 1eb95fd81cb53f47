export { DeduplicateOperator } from './deduplicate.js';
export { RankOperator } from './rank.js';
export { compareValues, type RowComparator, rowComparator } from './sort.js';
