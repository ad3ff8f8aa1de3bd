// Writes the Platform CRD generated from the zod schema into crds/ (`make generate`). It runs on the
// compiled API (the package script builds first), so Node.js needs no TypeScript loader.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdPath, renderCrdYaml } from '../dist/api/crd-yaml.js';

const repositoryRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const target = resolve(repositoryRoot, crdPath);
mkdirSync(dirname(target), { recursive: true });
writeFileSync(target, renderCrdYaml());
console.log(`Wrote ${crdPath}`);
