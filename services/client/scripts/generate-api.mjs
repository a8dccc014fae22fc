// Generates src/lib/api/schema.d.ts from the users service's OpenAPI spec.
//   node scripts/generate-api.mjs          write the file
//   node scripts/generate-api.mjs --check  fail when the committed file is out of date
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import openapiTS, { astToString } from 'openapi-typescript';

const root = new URL('../', import.meta.url);
const spec = new URL('../swagger/swagger.json', root);
const target = new URL('src/lib/api/schema.d.ts', root);
const header = '// Generated from services/swagger/swagger.json by `npm run generate:api`. Do not edit.\n\n';

if (!existsSync(spec)) {
  console.error(`No OpenAPI spec at ${fileURLToPath(spec)}.`);
  process.exit(1);
}

const ast = await openapiTS(spec, { alphabetize: true, defaultNonNullable: false });
const generated = header + astToString(ast);

if (process.argv.includes('--check')) {
  const committed = existsSync(target) ? await readFile(target, 'utf8') : '';
  if (committed !== generated) {
    console.error('src/lib/api/schema.d.ts is out of date with services/swagger/swagger.json: run `npm run generate:api`.');
    process.exit(1);
  }
  console.log('API types are up to date.');
} else {
  await writeFile(target, generated);
  console.log(`Wrote ${fileURLToPath(target)}.`);
}
