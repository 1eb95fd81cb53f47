/**
 * The Flink SQL front end: parse a script, keep a session catalog and configuration, and plan
 * INSERT statements into JobGraphs. The CLI talks to `SqlSession`; the rest is exported for tools
 * and tests.
 */

export { functionLanguage } from './binder/create-function.js';
export { builtInFunctionNames } from './binder/functions.js';
export type { CatalogObject, CatalogTable, CatalogView, ObjectIdentifier } from './catalog/catalog.js';
export { Catalog, DEFAULT_CATALOG, DEFAULT_DATABASE } from './catalog/catalog.js';
export { COLLECT_CONNECTOR } from './collect.js';
export { explainPlan } from './explain.js';
export * as ast from './parser/ast.js';

export {
  isSensitiveKey,
  type ParsedStatement,
  type PrintOptions,
  parseScript,
  parseStatement,
  print,
  type ScriptSource,
} from './parser/index.js';

export { KEYWORDS } from './parser/lexer.js';
export {
  SqlSession,
  type SqlSessionOptions,
  STATEMENT_SUCCEEDED,
  type StatementResult,
} from './session.js';
export { showCreate } from './show-create.js';
