// Writes src/api/<service>.gen.ts from the services' OpenAPI documents (`npm run generate`). It
// imports the compiled services, so the package script builds them first.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { apiDocuments } from './api-documents.ts';
import { generatedDir, renderApiTypes } from './api-types.ts';

const packageDir = resolve(import.meta.dirname, '..');
for (const [name, text] of Object.entries(await renderApiTypes(apiDocuments()))) {
  writeFileSync(resolve(packageDir, generatedDir, name), text);
  console.log(`Wrote ${generatedDir}/${name}`);
}
