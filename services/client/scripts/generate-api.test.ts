import { execFileSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

const client = dirname(dirname(fileURLToPath(import.meta.url)));

describe('Generated API types', () => {
  it('match the OpenAPI spec of the users service', () => {
    // Fails with "run `npm run generate:api`" when swagger.json changed since the last generation.
    expect(() =>
      execFileSync(process.execPath, ['scripts/generate-api.mjs', '--check'], { cwd: client, stdio: 'pipe' }),
    ).not.toThrow();
  });
});
