/**
 * The URL of a module of weir's build that a worker thread can load. A worker thread loads plain
 * JavaScript, so when weir itself runs from its TypeScript sources (the test runner), the module
 * next to `base` in src/ is taken from the build in dist/ (`npm run build`).
 */
export function compiledModuleUrl(relative: string, base: string): string {
  const url = new URL(relative, base).href;
  if (!base.endsWith('.ts')) return url;
  const at = url.lastIndexOf('/src/');
  return `${url.slice(0, at)}/dist/${url.slice(at + '/src/'.length)}`;
}
