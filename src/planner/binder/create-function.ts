import { dirname, isAbsolute, resolve } from 'node:path';
import { isWeirError, WeirError } from '../../common/errors.js';
import { JVM_CLASS_FUNCTIONS, loadScalarFunction, type UdfRef } from '../../common/udf.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CatalogFunction } from '../catalog/functions.js';
import type * as A from '../parser/ast.js';
import { parseDataType } from '../parser/script.js';

/**
 * CREATE FUNCTION: where the function's code is and what it declares. In Flink the identifier is
 * a JVM class; in weir it is a JavaScript module — `'./udfs.js'` (its default export) or
 * `'./udfs.js#countChar'` (a named export), relative to the script's folder (or the working
 * directory for statements typed interactively). A JVM class weir ships a JavaScript version of
 * (JVM_CLASS_FUNCTIONS) is accepted as written, so Flink scripts run unchanged.
 */
export function bindCreateFunction(
  ast: A.CreateFunction,
  catalog: Catalog,
  scriptFile?: string,
): CatalogFunction {
  const name = ast.name.parts[ast.name.parts.length - 1].value.toLowerCase();
  if (ast.system && ast.name.parts.length > 1)
    throw new WeirError('SQL_VALIDATION', 'A temporary system function has no catalog or database', {
      position: ast.name.pos,
      hint: `CREATE TEMPORARY SYSTEM FUNCTION ${name} …`,
    });
  const identifier = ast.system ? undefined : catalog.qualify(ast.name);
  const language = functionLanguage(ast);
  const at = { position: ast.pos };
  let module: string;
  let exportName = 'default';
  let written = ast.className;
  if (language === 'JAVASCRIPT') {
    if (ast.jars.length > 0)
      throw new WeirError(
        'SQL_VALIDATION',
        'USING JAR is for JVM functions; a JavaScript function is its module',
        {
          ...at,
          hint: `CREATE FUNCTION ${name} AS '${ast.className}' LANGUAGE JAVASCRIPT`,
        },
      );
    const hash = ast.className.lastIndexOf('#');
    const path = hash >= 0 ? ast.className.slice(0, hash) : ast.className;
    if (hash >= 0) exportName = ast.className.slice(hash + 1);
    written = path;
    const base = scriptFile ? dirname(resolve(scriptFile)) : process.cwd();
    module = isAbsolute(path) ? path : resolve(base, path);
  } else if (language === 'JAVA' || language === 'SCALA') {
    const shipped = JVM_CLASS_FUNCTIONS[ast.className];
    if (!shipped)
      throw new WeirError(
        'SQL_UNSUPPORTED',
        `Function class '${ast.className}' is a JVM class, which weir cannot load`,
        {
          ...at,
          hint: `write the function in JavaScript and create it with CREATE FUNCTION ${name} AS './${name}.js' LANGUAGE JAVASCRIPT (see docs/sql.md, "User-defined functions")`,
        },
      );
    module = shipped;
  } else {
    throw new WeirError('SQL_UNSUPPORTED', `Functions in ${language} are not supported`, {
      ...at,
      hint: 'weir runs functions written in JavaScript: LANGUAGE JAVASCRIPT',
    });
  }
  const ref: UdfRef = { name, module, export: exportName, written };
  const declaration = withPosition(ast.pos, () => loadScalarFunction(ref));
  const typeOf = (text: string, what: string) =>
    withPosition(ast.pos, () => {
      try {
        return parseDataType(text);
      } catch (err) {
        if (!isWeirError(err)) throw err;
        throw new WeirError(
          'SQL_VALIDATION',
          `Function '${name}' declares ${what} '${text}', which is not a SQL type`,
          {
            hint: err.hint,
          },
        );
      }
    });
  const resultType = typeOf(declaration.resultType, 'the result type');
  return {
    name,
    identifier,
    temporary: ast.temporary,
    ref,
    resultType,
    argumentTypes: declaration.argumentTypes?.map((t, i) => typeOf(t, `argument ${i + 1} of type`)),
    deterministic: declaration.deterministic,
    className: ast.className,
    language,
  };
}

/** The language as written, or as the identifier says: a `.js`/`.mjs`/`.cjs` path is JavaScript, else a JVM class. */
export function functionLanguage(ast: A.CreateFunction): string {
  return ast.language ?? (/\.(c|m)?js(#[\w$]+)?$/.test(ast.className) ? 'JAVASCRIPT' : 'JAVA');
}

function withPosition<T>(pos: A.Pos, body: () => T): T {
  try {
    return body();
  } catch (err) {
    if (isWeirError(err) && err.position === undefined)
      throw new WeirError(err.code, err.message, { position: pos, hint: err.hint });
    throw err;
  }
}
