import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DESCRIPTION_MAX_LENGTH, TITLE_MAX_LENGTH, WHITESPACE_CLASS } from '../src/lib/validation';

const swagger = join(dirname(dirname(dirname(fileURLToPath(import.meta.url)))), 'swagger');

describe("The item form's rules", () => {
  it("call blank the titles the items service's spec calls blank", () => {
    // The spec is read when the test runs: the client's image is built without it beside.
    const spec = JSON.parse(readFileSync(join(swagger, 'items.json'), 'utf8'));
    const title = spec.components.schemas.ItemCreateIn.properties.title;
    expect(title.pattern).toBe(String.raw`^[^\x00]*[^\x00` + WHITESPACE_CLASS + String.raw`][^\x00]*$`);
    expect([title.minLength, title.maxLength]).toEqual([1, TITLE_MAX_LENGTH]);
    expect(spec.components.schemas.ItemCreateIn.properties.description.maxLength).toBe(DESCRIPTION_MAX_LENGTH);
  });
});
