// The web app's API types (clients/web/src/api/*.gen.ts) against the compiled services (`npx tsc -b`).

import { describe, expect, it } from 'vitest';
import { staleApiTypes } from '../web-api-types.js';

describe("the web app's API types", () => {
  it('are committed exactly as the services’ OpenAPI documents generate them (else run make generate)', async () => {
    expect(await staleApiTypes()).toEqual([]);
  });
});
