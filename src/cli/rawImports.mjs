// Node module hooks for Vite's `?raw` imports (a file's text as its default export), so CLI programs
// that reach worker code bundling text files (src/worker/exportScript.ts bundles the PyTorch script)
// run under tsx as they do under Vite and Vitest. Registered with `tsx --import ./src/cli/rawImports.mjs`.
import { readFile } from 'node:fs/promises';
import { register } from 'node:module';

if (!process.env.DP_RAW_HOOKS_LOADED) {
  process.env.DP_RAW_HOOKS_LOADED = '1';
  register(import.meta.url, import.meta.url);
}

export async function resolve(specifier, context, next) {
  if (!specifier.endsWith('?raw')) return next(specifier, context);
  const url = new URL(specifier, context.parentURL);
  return { url: url.href, shortCircuit: true };
}

export async function load(url, context, next) {
  if (!url.endsWith('?raw')) return next(url, context);
  const text = await readFile(new URL(url.slice(0, -'?raw'.length)), 'utf8');
  return { format: 'module', source: `export default ${JSON.stringify(text)};`, shortCircuit: true };
}
