/**
 * The repository's sample Platforms, parsed with every default filled in as the API server would,
 * for the builders' and reconcilers' unit tests.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { type Platform, parsePlatform } from '../../src/api/index.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are deliberately untyped so tests can edit them.
export type Manifest = Record<string, any>;

/** A sample manifest as written in examples/. */
export function sampleManifest(name: 'platform-minimal' | 'platform-full'): Manifest {
  return parse(readFileSync(new URL(`../../../examples/${name}.yaml`, import.meta.url), 'utf8')) as Manifest;
}

/** A sample, changed by `edit`, parsed into a Platform in `namespace` with a uid and generation. */
export function samplePlatform(
  name: 'platform-minimal' | 'platform-full' = 'platform-minimal',
  edit: (manifest: Manifest) => void = () => {},
  namespace = 'quire-test',
): Platform {
  const manifest = sampleManifest(name);
  manifest.metadata = { ...manifest.metadata, namespace, uid: '0000-platform-uid', generation: 1 };
  edit(manifest);
  const result = parsePlatform(manifest);
  if (!result.ok) throw new Error(`The sample does not parse: ${JSON.stringify(result.problems)}`);
  return result.platform;
}
