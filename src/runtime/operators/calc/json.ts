/**
 * JSON_VALUE with its defaults in Flink (lax mode, RETURNING STRING, NULL ON EMPTY, NULL ON
 * ERROR): the scalar at a path such as '$.a.b[0]' or "$['a key']", as text; NULL for a missing
 * path, an object or array, or input that is not JSON.
 */

type Step = string | number;

const pathCache = new Map<string, Step[] | null>();

export function parsePath(path: string): Step[] | null {
  const cached = pathCache.get(path);
  if (cached !== undefined) return cached;
  const steps = parse(path);
  if (pathCache.size > 1000) pathCache.clear();
  pathCache.set(path, steps);
  return steps;
}

function parse(path: string): Step[] | null {
  let p = path.trim();
  const mode = /^(lax|strict)\s+/i.exec(p);
  if (mode) p = p.slice(mode[0].length);
  if (!p.startsWith('$')) return null;
  const steps: Step[] = [];
  let i = 1;
  while (i < p.length) {
    if (p[i] === '.') {
      const m = /^\.(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_$][\w$]*))/.exec(p.slice(i));
      if (!m) return null;
      steps.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2]);
      i += m[0].length;
    } else if (p[i] === '[') {
      const m = /^\[\s*(?:(\d+)|'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/.exec(p.slice(i));
      if (!m) return null;
      steps.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3]).replace(/\\(.)/g, '$1'));
      i += m[0].length;
    } else return null;
  }
  return steps;
}

export function jsonValue(json: string, path: string): string | null {
  const steps = parsePath(path);
  if (!steps) return null;
  let node: unknown;
  try {
    node = JSON.parse(json);
  } catch {
    return null;
  }
  for (const step of steps) {
    if (node === null || typeof node !== 'object') return null;
    if (typeof step === 'number') {
      if (!Array.isArray(node)) return null;
      node = node[step];
    } else {
      if (Array.isArray(node)) return null;
      node = Object.hasOwn(node, step) ? (node as Record<string, unknown>)[step] : undefined;
    }
    if (node === undefined) return null;
  }
  if (node === null || typeof node === 'object') return null;
  return String(node);
}
