/**
 * A reconcile scope for the external-state phases without a cluster: a Platform parsed from the
 * minimal example (edited per test), in-memory Secrets, and recorded Events. The integration tests
 * swap in the real API server where a test is about Secrets.
 */
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { parse } from 'yaml';
import { type Platform, parsePlatform } from '../../src/api/index.js';
import { createExternalMetrics, type ExternalMetrics } from '../../src/external/external-metrics.js';
import { type SecretSource, secretValues } from '../../src/external/secret-source.js';
import type { ReconcileDeps, ReconcileScope } from '../../src/reconcile/scope.js';
import type { EventInput } from '../../src/runtime/event-recorder.js';
import { silentLogger } from '../../src/runtime/logger.js';
import type { KubeObject } from '../../src/runtime/resource-kind.js';

// biome-ignore lint/suspicious/noExplicitAny: manifests are deliberately untyped so tests can edit them.
export type Manifest = Record<string, any>;

/** The minimal example Platform, as a manifest to edit. */
export function minimalManifest(namespace = 'quire-test', name = 'quire'): Manifest {
  const manifest = parse(
    readFileSync(new URL('../../../examples/platform-minimal.yaml', import.meta.url), 'utf8'),
  ) as Manifest;
  manifest.metadata = { name, namespace };
  return manifest;
}

/** Parses a manifest as the API server would default it; throws on a manifest the API would refuse. */
export function parseManifest(manifest: Manifest): Platform {
  const result = parsePlatform(manifest);
  if (!result.ok) throw new Error(`The test Platform does not parse: ${JSON.stringify(result.problems)}`);
  return result.platform;
}

/** Secrets held in memory, by `namespace/name`, with string values. */
export class MemorySecrets implements SecretSource {
  readonly objects = new Map<string, KubeObject>();

  set(namespace: string, name: string, values: Record<string, string>): void {
    const data = Object.fromEntries(
      Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    );
    this.objects.set(`${namespace}/${name}`, { metadata: { name, namespace }, data });
  }

  async read(namespace: string, name: string) {
    const found = this.objects.get(`${namespace}/${name}`);
    return found ? secretValues(found) : undefined;
  }
}

export interface FakeScope {
  scope: ReconcileScope;
  events: EventInput[];
  applied: KubeObject[];
}

/** A scope over `platform` whose writer stores applied objects in `secrets` and whose events are kept. */
export function fakeScope(
  platform: Platform,
  object: KubeObject,
  secrets: MemorySecrets = new MemorySecrets(),
  overrides: Partial<ReconcileDeps> = {},
): FakeScope {
  const events: EventInput[] = [];
  const applied: KubeObject[] = [];
  const deps: ReconcileDeps = {
    reader: { get: () => undefined, list: () => [] },
    writer: {
      async apply(_kind, desired) {
        applied.push(desired);
        secrets.objects.set(`${desired.metadata.namespace}/${desired.metadata.name}`, desired);
        return { result: 'applied', object: desired };
      },
      prune: async () => [],
    },
    // These phases never evict; an eviction would be a bug.
    evictor: {
      evict: async (key) => {
        throw new Error(`unexpected eviction of ${key.namespace}/${key.name}`);
      },
    },
    status: { update: async () => undefined },
    events: { record: (_kind, _regarding, event) => events.push(event) },
    render: {},
    ...overrides,
  };
  const scope: ReconcileScope = {
    object,
    platform,
    name: object.metadata.name ?? '',
    namespace: object.metadata.namespace ?? '',
    generation: object.metadata.generation ?? 1,
    now: new Date(),
    log: silentLogger,
    deps,
  };
  return { scope, events, applied };
}

/** The external-state metrics in a registry of their own. */
export const testMetrics = (): ExternalMetrics => createExternalMetrics(new Registry());

/** The value of a metric series, or undefined when the series does not exist. */
export async function metricValue(
  metric: { get(): Promise<{ values: Array<{ labels: Record<string, unknown>; value: number }> }> },
  labels: Record<string, string>,
): Promise<number | undefined> {
  const { values } = await metric.get();
  return values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l))?.value;
}
