/**
 * Checks what `tilt alpha tiltfile-result` made of the Tiltfile (its JSON on stdin or in a file):
 * the resources, their labels and their order (crds -> operator -> services, stores first), every
 * service image live-updated with its sources synced and a full rebuild on lockfile changes, and no
 * object left uncategorized.
 *
 *   node dev/delivery/tiltfile-result.ts tiltfile-result.json
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ImageTarget {
  selector?: string;
  LiveUpdateSpec?: {
    stopPaths?: string[];
    syncs?: Array<{ localPath: string; containerPath: string }>;
  };
}
interface Manifest {
  Name: string;
  Labels?: Record<string, string> | null;
  ResourceDependencies?: string[] | null;
  ImageTargets?: ImageTarget[] | null;
}
interface TiltfileResult {
  Manifests: Manifest[];
  Error: unknown;
}

const services = ['auth', 'user', 'document', 'notification', 'search', 'export', 'audit'];
const stores = ['kafka', 'postgres', 'redis', 's3', 'search'];

/** Every way the result differs from what the Tiltfile promises; empty when it keeps its promises. */
export function problemsOf(result: TiltfileResult): string[] {
  const problems: string[] = [];
  if (result.Error) problems.push(`the Tiltfile reported an error: ${JSON.stringify(result.Error)}`);
  const byName = new Map(result.Manifests.map((m) => [m.Name, m]));
  const expect = (name: string, label: string, deps: string[]) => {
    const manifest = byName.get(name);
    if (!manifest) return problems.push(`no resource named ${name}`);
    if (!Object.keys(manifest.Labels ?? {}).includes(label))
      problems.push(`${name} is not labelled ${label}`);
    for (const dep of deps) {
      if (!(manifest.ResourceDependencies ?? []).includes(dep))
        problems.push(`${name} does not wait for ${dep}`);
    }
    return manifest;
  };
  expect('namespaces', 'infrastructure', []);
  for (const store of stores) expect(store, 'infrastructure', ['namespaces']);
  expect('crds', 'crds', []);
  const operator = expect('quire-operator', 'operator', ['crds']);
  const platform = expect('quire', 'services', ['quire-operator', ...stores]);
  for (const name of byName.keys()) {
    if (name === 'uncategorized') problems.push('some objects belong to no resource (uncategorized)');
  }
  if (typeof operator === 'object' && (operator.ImageTargets ?? []).length !== 1) {
    problems.push('quire-operator does not build exactly its own image');
  }
  if (typeof platform === 'object') {
    const targets = platform.ImageTargets ?? [];
    for (const service of services) {
      const target = targets.find((t) => t.selector === `quire/${service}`);
      if (!target) {
        problems.push(`the Platform does not run a Tilt build of ${service}`);
        continue;
      }
      const spec = target.LiveUpdateSpec;
      const synced = (spec?.syncs ?? []).map((s) => s.localPath);
      for (const path of [`services/${service}/src`, 'services/kit/src']) {
        if (!synced.includes(path)) problems.push(`${service}: ${path} is not live-synced`);
      }
      if (!(spec?.stopPaths ?? []).includes('package-lock.json')) {
        problems.push(`${service}: a lockfile change does not rebuild the image (and rerun npm ci)`);
      }
    }
    if (!targets.some((t) => t.selector === 'quire/web'))
      problems.push('the Platform does not run a Tilt build of the web app (quire/web)');
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv[2];
  const result = JSON.parse(readFileSync(file ?? 0, 'utf8')) as TiltfileResult;
  const problems = problemsOf(result);
  for (const problem of problems) console.error(`Tiltfile: ${problem}`);
  if (problems.length === 0) {
    const names = result.Manifests.map((m) => `${m.Name} [${Object.keys(m.Labels ?? {}).join(',')}]`);
    console.log(`ok Tiltfile: ${result.Manifests.length} resources: ${names.join(', ')}`);
    console.log('ok Tiltfile: crds -> quire-operator -> quire (7 live-updated service images), stores first');
  }
  process.exit(problems.length === 0 ? 0 : 1);
}
