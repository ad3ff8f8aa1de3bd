// @vitest-environment node
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiDocuments } from './api-documents.js';
import { generatedDir, renderApiTypes } from './api-types.js';

const packageDir = resolve(import.meta.dirname, '..');

describe("the web app's API types", () => {
  it('are committed exactly as the services’ OpenAPI documents generate them', async () => {
    const files = await renderApiTypes(apiDocuments());
    expect(Object.keys(files).length).toBeGreaterThan(0);
    for (const [name, text] of Object.entries(files)) {
      const committed = readFileSync(resolve(packageDir, generatedDir, name), 'utf8');
      if (committed !== text) {
        throw new Error(
          `${generatedDir}/${name} is stale: a service's API changed; run npm run generate --workspace @quire/web`,
        );
      }
    }
  });
});
