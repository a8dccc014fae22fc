// Checks the app's initial load against its budgets: 70 kB of JavaScript and 12 kB of CSS,
// gzipped. The initial load is what every page needs: index.html's inline script and style,
// its entry with the modules that entry imports, and the app (src/app/mount.tsx, imported
// after the first paint) with its modules and stylesheets. Every page's own code and styles
// load when it is opened, and do not count. Builds in memory with the project's config;
// bench/client_budget.py reports the same sizes, as the browser loads them, beside the first paint.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { build } from 'vite';

const BUDGET = { js: 70_000, css: 12_000 };
const root = fileURLToPath(new URL('..', import.meta.url));
const APP = path.join(root, 'src/app/mount.tsx');

const [output] = [await build({ root, logLevel: 'error', build: { write: false, emptyOutDir: false } })].flat();
const bundle = new Map(output.output.map((file) => [file.fileName, file]));
const text = (file) => (typeof file.source === 'string' ? file.source : Buffer.from(file.source ?? file.code));

/** A chunk's file and those of the chunks it imports, with their stylesheets. */
function closure(chunk, files = new Set()) {
  if (files.has(chunk.fileName)) return files;
  files.add(chunk.fileName);
  for (const name of chunk.imports) closure(bundle.get(name), files);
  for (const name of chunk.viteMetadata.importedCss) files.add(name);
  return files;
}

const chunks = [...bundle.values()].filter((file) => file.type === 'chunk');
const entry = chunks.find((chunk) => chunk.isEntry);
const app = chunks.find((chunk) => chunk.facadeModuleId === APP);
if (!entry || !app) throw new Error(`the build has no entry or no chunk for ${APP}`);
const files = closure(app, closure(entry));

const html = text(bundle.get('index.html'));
const sizes = { js: [], css: [] };
for (const [, code] of html.matchAll(/<script>([\s\S]*?)<\/script>/g)) sizes.js.push(code);
for (const [, rules] of html.matchAll(/<style>([\s\S]*?)<\/style>/g)) sizes.css.push(rules);
for (const name of files) {
  const file = bundle.get(name);
  sizes[name.endsWith('.css') ? 'css' : 'js'].push(file.type === 'chunk' ? file.code : text(file));
}

let over = false;
for (const kind of ['js', 'css']) {
  const total = sizes[kind].reduce((sum, source) => sum + gzipSync(source, { level: 9 }).length, 0);
  const ok = total <= BUDGET[kind];
  over ||= !ok;
  console.log(`${kind.toUpperCase()}: ${(total / 1000).toFixed(1)} kB gzip (${sizes[kind].length} files and inline elements), budget ${BUDGET[kind] / 1000} kB${ok ? '' : '  OVER BUDGET'}`);
}
process.exit(over ? 1 : 0);
