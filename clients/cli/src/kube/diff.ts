/**
 * `quire diff -f platform.yaml`: what applying the manifest would change. The Platform goes through
 * a server-side dry-run apply (dryRun=All), so the comparison is with what the API server would
 * store: defaults filled, admission rules run, nothing written. The objects the operator would then
 * create, change or remove come from the operator's own pure builders (`desiredWorkloads`) run on
 * the current and the new spec: the same code the operator runs, so the diff cannot drift from it.
 */
import { readFileSync } from 'node:fs';
import { type DesiredObject, describeProblems, desiredWorkloads, parsePlatform } from '@quire/operator';
import { parseAllDocuments } from 'yaml';
import { CliError, KubeApiError, UsageError } from '../errors.js';
import type { OutputFormat } from '../output/format.js';
import { printView } from '../output/format.js';
import { connectKube, type Kube, type KubeOptions } from './client.js';
import { renderDiff } from './diff-view.js';
import {
  changedFields,
  diffRendered,
  type FieldChange,
  type ObjectChange,
  type Rendered,
  withoutServerFields,
  yamlPatch,
} from './object-diff.js';
import { listPlatforms, type PlatformObject, platformPath } from './platform.js';

/** The `-o json` shape of `quire diff`. */
export interface DiffView {
  platforms: Array<{
    namespace: string;
    name: string;
    action: 'create' | 'change' | 'none';
    /** The new spec pauses the operator, so the objects below would not change until it resumes. */
    paused: boolean;
    fields: FieldChange[];
    patch: string;
    objects: ObjectChange[];
    notes: string[];
  }>;
  /** Documents in the file that are not Platforms: `quire diff` does not compare them. */
  skipped: string[];
}

type Manifest = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
} & Record<string, unknown>;

/** The documents of a manifest file; a file that cannot be read or parsed is a usage error. */
function readManifests(file: string): Manifest[] {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `Cannot read ${file}: ${(error as Error).message}`,
      'Pass a readable file to -f (or - for stdin)',
    );
  }
  const documents = parseAllDocuments(text);
  const docs = Array.isArray(documents) ? documents : [documents];
  const broken = docs.find((d) => d.errors.length > 0);
  if (broken)
    throw new UsageError(
      `${file} is not valid YAML: ${broken.errors[0]?.message}`,
      'Fix the YAML and run again',
    );
  return docs.map((d) => d.toJS() as Manifest).filter((m) => m && typeof m === 'object');
}

const isPlatform = (m: Manifest) =>
  m.kind === 'Platform' && String(m.apiVersion ?? '').startsWith('platform.quire.dev/');

/** The HTTPRoute kind exists in the cluster, as the operator checks before rendering routes. */
async function gatewayApi(kube: Kube): Promise<boolean> {
  try {
    const crd = await kube.request<{ spec?: { versions?: Array<{ name: string; served?: boolean }> } }>(
      'GET',
      '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/httproutes.gateway.networking.k8s.io',
    );
    return crd.spec?.versions?.some((v) => v.name === 'v1' && v.served) ?? false;
  } catch {
    // Not installed, or not readable with these credentials: the operator would not render routes either way we can tell.
    return false;
  }
}

/** The operator's objects for a Platform as stored, or a note saying why there are none. */
function render(
  object: PlatformObject | undefined,
  gateway: boolean,
  notes: string[],
  side: string,
): Rendered[] {
  if (!object) return [];
  const parsed = parsePlatform(object);
  if (!parsed.ok) {
    notes.push(
      `The ${side} spec does not parse, so the operator renders nothing from it:\n${describeProblems(parsed.problems)}`,
    );
    return [];
  }
  return desiredWorkloads(parsed.platform, { gatewayApi: gateway }).map((d: DesiredObject) => ({
    kind: d.kind.kind,
    object: d.object as Rendered['object'],
  }));
}

async function diffOne(kube: Kube, manifest: Manifest, fieldManager: string, gateway: boolean) {
  const name = manifest.metadata?.name;
  if (!name)
    throw new UsageError('A Platform in the file has no metadata.name', 'Give every Platform a name');
  const path = platformPath(kube.namespace, name);
  let live: PlatformObject | undefined;
  try {
    live = await kube.request<PlatformObject>('GET', path);
  } catch (error) {
    if (!(error instanceof KubeApiError && error.code === 404)) throw error;
    await listPlatforms(kube); // a missing CRD says so; a missing Platform is a create
  }
  // force: a dry run writes nothing, and the point is to see the result even where another manager owns a field.
  const applied = await kube
    .request<PlatformObject>('PATCH', path, {
      query: { dryRun: 'All', fieldManager, force: true, fieldValidation: 'Strict' },
      contentType: 'application/apply-patch+yaml',
      body: { ...manifest, metadata: { ...manifest.metadata, namespace: kube.namespace } },
    })
    .catch((error: unknown) => {
      // Admission said no: the same answer `kubectl apply` would get, so say it is the manifest.
      if (!(error instanceof KubeApiError && (error.code === 422 || error.code === 400))) throw error;
      throw new CliError(
        `Applying Platform ${name} would be refused: ${error.message}`,
        'Fix the fields named, then run quire diff again',
      );
    });
  const notes: string[] = [];
  const before = withoutServerFields(live);
  const after = withoutServerFields(applied);
  const fields = live ? changedFields(before, after) : [];
  const objects = diffRendered(
    render(live, gateway, notes, 'current'),
    render(applied, gateway, notes, 'new'),
  );
  const paused = applied.spec?.paused === true;
  if (paused && objects.length)
    notes.push(
      'The new spec sets spec.paused: the operator changes none of these objects until it is resumed',
    );
  if (!gateway)
    notes.push('No HTTPRoutes rendered: the Gateway API CRDs are not installed (or not readable)');
  return {
    namespace: kube.namespace,
    name,
    action: (!live ? 'create' : fields.length ? 'change' : 'none') as 'create' | 'change' | 'none',
    paused,
    fields,
    patch: yamlPatch(before, after, `Platform/${name}`),
    objects,
    notes,
  };
}

/** Runs the dry run for every Platform in the file and prints the result. */
export async function runDiff(
  options: KubeOptions & { filename: string; output: OutputFormat; fieldManager: string; summary: boolean },
): Promise<void> {
  const manifests = readManifests(options.filename);
  const platforms = manifests.filter(isPlatform);
  if (platforms.length === 0) {
    throw new UsageError(
      `${options.filename} holds no Platform`,
      'quire diff compares Platforms (apiVersion platform.quire.dev/v1alpha1, kind Platform)',
    );
  }
  const view: DiffView = {
    platforms: [],
    skipped: manifests
      .filter((m) => !isPlatform(m))
      .map((m) => `${m.kind ?? '?'} ${m.metadata?.name ?? '?'}`),
  };
  const base = await connectKube(options);
  const gateway = await gatewayApi(base);
  for (const manifest of platforms) {
    const ns = manifest.metadata?.namespace;
    if (ns && options.namespace && ns !== options.namespace) {
      throw new UsageError(
        `The Platform ${manifest.metadata?.name} is in namespace ${ns}, but -n says ${options.namespace}`,
        'Drop -n, or make them agree',
      );
    }
    const kube = ns ? await connectKube({ ...options, namespace: ns }) : base;
    view.platforms.push(await diffOne(kube, manifest, options.fieldManager, gateway));
  }
  printView(options.output, view, (v) => renderDiff(v, options.summary));
}
