// Copies every service's SQL migrations (services/<name>/migrations) into dist/migrations/<name>/
// with a manifest of their checksums, so the operator carries exactly the files it was built with
// (`npm run build` and `make generate`). It runs on the compiled code, so Node.js needs no loader.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageMigrations } from '../dist/external/migration-bundle.js';

const operatorRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = await packageMigrations(
  resolve(operatorRoot, '..', 'services'),
  resolve(operatorRoot, 'dist', 'migrations'),
);
const counts = Object.entries(manifest.services).map(
  ([service, files]) => `${service} ${Object.keys(files).length}`,
);
console.log(`Packaged migrations into dist/migrations: ${counts.join(', ') || 'none'}`);
