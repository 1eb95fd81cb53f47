export type { Pos, Statement } from './ast.js';
export * as ast from './ast.js';
export { isKeyword, isReservedWord } from './lexer.js';
export {
  isSensitiveKey,
  type PrintOptions,
  print,
  printExpr,
  printQuery,
  printStatement,
  printType,
  quoteIdent,
} from './printer.js';
export { type ParsedStatement, parseScript, parseStatement, type ScriptSource } from './script.js';
