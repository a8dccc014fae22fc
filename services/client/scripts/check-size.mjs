// Checks what index.html loads up front (its scripts, module preloads and stylesheets)
// against the budgets: 70 kB of JavaScript and 12 kB of CSS, gzipped. Every page's own
// code and styles load when it is opened, and do not count. Run after `npm run build`;
// bench/client_budget.py reports the same sizes beside the first paint.
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';

const BUDGET = { js: 70_000, css: 12_000 };
const dist = new URL('../dist/', import.meta.url);

const html = await readFile(new URL('index.html', dist), 'utf8');
const assets = (pattern) => [...html.matchAll(pattern)].map((match) => match[1].replace(/^\//, ''));
const files = {
  js: [
    ...assets(/<script[^>]+src="([^"]+)"/g),
    ...assets(/<link[^>]+rel="modulepreload"[^>]+href="([^"]+)"/g),
  ],
  css: assets(/<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"/g),
};

let over = false;
for (const kind of ['js', 'css']) {
  let total = 0;
  for (const file of files[kind]) total += gzipSync(await readFile(new URL(file, dist)), { level: 9 }).length;
  const ok = total <= BUDGET[kind];
  over ||= !ok;
  console.log(`${kind.toUpperCase()}: ${(total / 1000).toFixed(1)} kB gzip (${files[kind].length} files), budget ${BUDGET[kind] / 1000} kB${ok ? '' : '  OVER BUDGET'}`);
}
process.exit(over ? 1 : 0);
