// Generates the API types from the services' OpenAPI specs:
//   services/swagger/swagger.json (users) -> src/lib/api/schema.d.ts
//   services/swagger/items.json   (items) -> src/lib/api/items-schema.d.ts
//   node scripts/generate-api.mjs          write the files
//   node scripts/generate-api.mjs --check  fail when a committed file is out of date
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('../', import.meta.url);
const apis = [
  { spec: 'swagger.json', target: 'src/lib/api/schema.d.ts' },
  { spec: 'items.json', target: 'src/lib/api/items-schema.d.ts' },
];
const check = process.argv.includes('--check');

let stale = false;
for (const { spec: specName, target: targetName } of apis) {
  const spec = new URL(`../swagger/${specName}`, root);
  const target = new URL(targetName, root);
  if (!existsSync(spec)) {
    console.error(`No OpenAPI spec at ${fileURLToPath(spec)}.`);
    process.exit(1);
  }
  const header = `// Generated from services/swagger/${specName} by \`npm run generate:api\`. Do not edit.\n\n`;
  const ast = await openapiTS(spec, { alphabetize: true, defaultNonNullable: false });
  const generated = header + astToString(ast);

  if (check) {
    const committed = existsSync(target) ? await readFile(target, 'utf8') : '';
    if (committed !== generated) {
      console.error(`${targetName} is out of date with services/swagger/${specName}: run \`npm run generate:api\`.`);
      stale = true;
    }
  } else {
    await writeFile(target, generated);
    console.log(`Wrote ${fileURLToPath(target)}.`);
  }
}

if (stale) process.exit(1);
if (check) console.log('API types are up to date.');
