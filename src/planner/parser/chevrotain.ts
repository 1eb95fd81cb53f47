import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Chevrotain from 'chevrotain';

/**
 * chevrotain's package entry loads lodash-es as hundreds of separate ES modules, about 300 ms of
 * every `weir` start; the single-file bundle the same package ships loads in about 10 ms. The
 * package's "exports" map hides the bundle, so it is found next to the entry it resolves to.
 */
const entry = createRequire(import.meta.url).resolve('chevrotain');
const chevrotain: typeof Chevrotain = await import(
  pathToFileURL(join(dirname(entry), '..', 'chevrotain.min.mjs')).href
);

/**
 * Grammar self-checks (ambiguities, unreachable alternatives) cost a large part of start-up; they
 * run under the test suite, which covers the grammar, and are skipped for users.
 */
export const SKIP_GRAMMAR_VALIDATIONS = process.env.VITEST === undefined;

export const { createToken, EmbeddedActionsParser, EOF, Lexer, tokenMatcher } = chevrotain;
export type {
  IParserErrorMessageProvider,
  IRecognitionException,
  IToken,
  TokenType,
} from 'chevrotain';
