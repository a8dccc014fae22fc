import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const client = dirname(dirname(fileURLToPath(import.meta.url)));

describe('Generated API types', () => {
  it('match the OpenAPI specs of the users and items services', () => {
    // Fails with "run `npm run generate:api`" when swagger.json or items.json changed since the last generation.
    expect(() =>
      execFileSync(process.execPath, ['scripts/generate-api.mjs', '--check'], { cwd: client, stdio: 'pipe' }),
    ).not.toThrow();
  }, 60_000); // a node process of its own that parses both specs: slow on a busy machine
});
