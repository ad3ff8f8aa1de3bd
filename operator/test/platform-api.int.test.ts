// The Platform API against the real API server: the generated CRD installs, both samples are admitted
// and read back with their defaults, every mistake in the table is rejected at apply time with a
// message a person can act on, and transition rules guard what must not change.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ApiextensionsV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import {
  clusterClients,
  createTestNamespace,
  httpStatusOf,
  stackSetting,
  type TestNamespace,
  waitFor,
} from '@quire/dev';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConditionReason, ConditionType, parsePlatform, platformApi, platformCrd } from '../src/api/index.js';
import { invalidCases, loadExample, type Manifest } from './platform-api-cases.js';

const run = promisify(execFile);
const fieldManager = 'quire-tests';
const serverSideApply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const crdName = `${platformApi.plural}.${platformApi.group}`;
const { group, version, plural } = platformApi;

let ns: TestNamespace;

/** Applies a Platform as `kubectl apply --server-side` would, rejecting fields the schema lacks. */
async function applyPlatform(manifest: Manifest, name: string): Promise<Manifest> {
  const body = { ...manifest, metadata: { ...manifest.metadata, name, namespace: ns.name } };
  return clusterClients().custom.patchNamespacedCustomObject(
    {
      group,
      version,
      plural,
      namespace: ns.name,
      name,
      body,
      fieldManager,
      force: true,
      fieldValidation: 'Strict',
    },
    serverSideApply,
  );
}

/** Creates a Platform as `kubectl apply` (client-side) does for a new object: a strict POST. */
async function createPlatform(manifest: Manifest, name: string): Promise<Manifest> {
  const body = { ...manifest, metadata: { ...manifest.metadata, name, namespace: ns.name } };
  return clusterClients().custom.createNamespacedCustomObject({
    group,
    version,
    plural,
    namespace: ns.name,
    body,
    fieldManager,
    fieldValidation: 'Strict',
  });
}

async function readPlatform(name: string): Promise<Manifest> {
  return clusterClients().custom.getNamespacedCustomObject({
    group,
    version,
    plural,
    namespace: ns.name,
    name,
  });
}

/** The HTTP status and the API server's message of a request that should have failed. */
async function rejectionOf(
  request: Promise<unknown>,
): Promise<{ status: number | undefined; message: string }> {
  try {
    await request;
  } catch (error) {
    const body = (error as { body?: unknown }).body;
    const parsed =
      typeof body === 'string' ? (JSON.parse(body) as { message?: string }) : (body as { message?: string });
    return { status: httpStatusOf(error), message: parsed?.message ?? String(error) };
  }
  return { status: undefined, message: 'the request succeeded' };
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await run(stackSetting('QUIRE_KUBECTL'), args, {
    env: { ...process.env, KUBECONFIG: stackSetting('KUBECONFIG') },
  });
  return stdout;
}

beforeAll(async () => {
  const extensions = clusterClients().kubeConfig.makeApiClient(ApiextensionsV1Api);
  await extensions.patchCustomResourceDefinition(
    { name: crdName, body: platformCrd(), fieldManager, force: true, fieldValidation: 'Strict' },
    serverSideApply,
  );
  await waitFor(`the ${crdName} CRD to be Established`, async () => {
    const crd = await extensions.readCustomResourceDefinition({ name: crdName });
    const established = crd.status?.conditions?.find((c) => c.type === 'Established');
    return established?.status === 'True' ? true : undefined;
  });
  ns = await createTestNamespace('platform-api');
  // The resource is served a moment after the CRD is Established.
  await waitFor('the platforms resource to be served', async () =>
    clusterClients()
      .custom.listNamespacedCustomObject({ group, version, plural, namespace: ns.name })
      .then(() => true),
  );
});

afterAll(async () => {
  await ns?.dispose();
});

describe('the Platform CRD on a real API server', () => {
  it('installs, with its schema and every CEL rule accepted', async () => {
    const extensions = clusterClients().kubeConfig.makeApiClient(ApiextensionsV1Api);
    const crd = await extensions.readCustomResourceDefinition({ name: crdName });
    const conditions = Object.fromEntries((crd.status?.conditions ?? []).map((c) => [c.type, c.status]));
    expect(conditions).toMatchObject({ NamesAccepted: 'True', Established: 'True' });
    expect(crd.status?.acceptedNames?.shortNames).toEqual(['qp']);
  });

  it('admits the minimal sample and reads it back with the same defaults parsePlatform fills in', async () => {
    const sample = loadExample('platform-minimal');
    await applyPlatform(sample, 'minimal');
    const stored = await readPlatform('minimal');
    const expected = parsePlatform(sample);
    if (!expected.ok) throw new Error('the minimal sample does not parse');
    expect(stored.spec).toEqual(expected.platform.spec);
    expect(stored.spec.services.document.replicas).toBe(4);
    expect(stored.spec.kafka.topics).toHaveLength(10);
  });

  it("reads a new Platform back as not yet observed (status.observedGeneration 0), so GitOps tools wait for the operator's first status", async () => {
    await applyPlatform(loadExample('platform-minimal'), 'unobserved');
    const stored = (await readPlatform('unobserved')) as unknown as {
      metadata: { generation: number };
      status?: { observedGeneration?: number; conditions?: unknown[] };
    };
    expect(stored.metadata.generation).toBe(1);
    expect(stored.status).toEqual({ observedGeneration: 0 });
  });

  it('admits the full sample and reads back every value it set', async () => {
    const sample = loadExample('platform-full');
    await applyPlatform(sample, 'full');
    const stored = await readPlatform('full');
    const expected = parsePlatform(sample);
    if (!expected.ok) throw new Error('the full sample does not parse');
    expect(stored.spec).toEqual(expected.platform.spec);
    expect(stored.spec).toMatchObject(sample.spec);
  });

  describe('rejects at apply time', () => {
    it('has a table of at least 25 different mistakes', () => {
      expect(new Set(invalidCases.map((c) => c.mistake)).size).toBeGreaterThanOrEqual(25);
    });

    it.each(invalidCases.map((c, i) => ({ ...c, index: i })))(
      '$mistake, naming $field',
      async ({ breakIt, field, message, by, index }) => {
        const manifest = loadExample('platform-minimal');
        breakIt(manifest);
        const name = manifest.metadata.name === 'quire' ? `mistake-${index}` : manifest.metadata.name;

        // `kubectl apply`: the message names the field and says what is allowed. Unknown fields fail
        // strict decoding (400); everything else fails validation (422).
        const created = await rejectionOf(createPlatform(manifest, name));
        expect(created.message).toContain(field);
        expect(created.message).toContain(message);
        expect(created.status).toBe(by === 'unknown-field' ? 400 : 422);

        // `kubectl apply --server-side`: type errors, unknown fields and duplicate keys are caught while
        // the API server builds the patch, in its own words but still at the field (and, in v1.34, with
        // status 500); everything else gets the same validation as above.
        const applied = await rejectionOf(applyPlatform(manifest, name));
        expect(applied.message).toContain(field.replace(/\[\d+\]$/, ''));
        if (applied.message.includes('failed to create typed patch object')) expect(applied.status).toBe(500);
        else expect(applied).toEqual(created);
      },
    );
  });

  describe('on update', () => {
    const withTopic = (partitions: number, replicationFactor = 3) => {
      const sample = loadExample('platform-minimal');
      sample.spec.kafka.topics = parsePlatformTopics().map((t) =>
        t.name === 'quire.document.events' ? { ...t, partitions, replicationFactor } : t,
      );
      return sample;
    };

    it('lets partitions grow', async () => {
      await applyPlatform(withTopic(12), 'grow');
      await applyPlatform(withTopic(24), 'grow');
      const stored = await readPlatform('grow');
      expect(stored.spec.kafka.topics[0]).toMatchObject({ name: 'quire.document.events', partitions: 24 });
    });

    it('rejects an update that decreases partitions, saying Kafka cannot remove them', async () => {
      await applyPlatform(withTopic(12), 'shrink');
      const rejection = await rejectionOf(applyPlatform(withTopic(6), 'shrink'));
      expect(rejection.status).toBe(422);
      expect(rejection.message).toContain('spec.kafka.topics[0].partitions');
      expect(rejection.message).toContain('cannot be decreased (Kafka cannot remove partitions)');
      expect((await readPlatform('shrink')).spec.kafka.topics[0].partitions).toBe(12);
    });

    it("rejects changing an existing topic's replication factor", async () => {
      await applyPlatform(withTopic(12, 3), 'replicas');
      const rejection = await rejectionOf(applyPlatform(withTopic(12, 2), 'replicas'));
      expect(rejection.status).toBe(422);
      expect(rejection.message).toContain('spec.kafka.topics[].replicationFactor is immutable');
    });

    it.each([
      {
        field: 'spec.mtls.trustDomain',
        change: (p: Manifest) => (p.spec.mtls = { trustDomain: 'other.example.com' }),
      },
      { field: 'spec.search.kind', change: (p: Manifest) => (p.spec.search.kind = 'opensearch') },
      { field: 'spec.postgres.database', change: (p: Manifest) => (p.spec.postgres.database = 'quire2') },
      {
        field: 'spec.postgres.schemas.audit.name',
        change: (p: Manifest) => (p.spec.postgres.schemas = { audit: { name: 'audit_log' } }),
      },
    ])('keeps $field immutable once stored, even when it was defaulted', async ({ field, change }) => {
      const name = `immutable-${field.split('.').slice(1).join('-').toLowerCase()}`;
      await applyPlatform(loadExample('platform-minimal'), name);
      const changed = loadExample('platform-minimal');
      change(changed);
      const rejection = await rejectionOf(applyPlatform(changed, name));
      expect(rejection.status).toBe(422);
      expect(rejection.message).toContain(`${field} is immutable`);
    });
  });

  describe('for people at a terminal', () => {
    it('shows Ready, Version, Services, Age and the Ready message in kubectl get platforms', async () => {
      await applyPlatform(loadExample('platform-minimal'), 'columns');
      const status = {
        observedGeneration: 1,
        servicesReady: '7/7',
        conditions: [
          {
            type: ConditionType.Ready,
            status: 'True',
            reason: ConditionReason.Reconciled,
            message: 'All 7 services ready',
            lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
            observedGeneration: 1,
          },
        ],
      };
      await clusterClients().custom.patchNamespacedCustomObjectStatus(
        {
          group,
          version,
          plural,
          namespace: ns.name,
          name: 'columns',
          body: {
            apiVersion: `${group}/${version}`,
            kind: platformApi.kind,
            metadata: { name: 'columns' },
            status,
          },
          fieldManager,
          force: true,
        },
        serverSideApply,
      );
      const table = await kubectl('get', 'platforms', 'columns', '-n', ns.name);
      const [header, row] = table.trim().split('\n');
      expect(header?.split(/\s{2,}/)).toEqual(['NAME', 'READY', 'VERSION', 'SERVICES', 'AGE', 'MESSAGE']);
      expect(row).toMatch(/^columns\s+True\s+1\.0\.0\s+7\/7\s+\S+\s+All 7 services ready$/);
    });

    it('answers to the short name qp and the category quire', async () => {
      await applyPlatform(loadExample('platform-minimal'), 'named');
      expect(await kubectl('get', 'qp', 'named', '-n', ns.name, '-o', 'name')).toContain(
        'platform.platform.quire.dev/named',
      );
      expect(await kubectl('get', 'quire', '-n', ns.name, '-o', 'name')).toContain(
        'platform.platform.quire.dev/named',
      );
    });

    it('documents every field in kubectl explain', async () => {
      const explained = await waitFor('kubectl explain to know the Platform', async () =>
        kubectl('explain', 'platform.spec', '--recursive', `--api-version=${group}/${version}`).catch(
          () => undefined,
        ),
      );
      for (const field of [
        'trustDomain',
        'bootstrapServers',
        'replicationFactor',
        'deletionPolicy',
        'otlpEndpoint',
      ]) {
        expect(explained).toContain(field);
      }
      const partitions = await kubectl(
        'explain',
        'platform.spec.kafka.topics.partitions',
        `--api-version=${group}/${version}`,
      );
      expect(partitions).toContain('never shrink');
      const trustDomain = await kubectl(
        'explain',
        'platform.spec.mtls.trustDomain',
        `--api-version=${group}/${version}`,
      );
      expect(trustDomain).toContain('Immutable');
      const web = await kubectl('explain', 'platform.spec.web', `--api-version=${group}/${version}`);
      for (const field of ['enabled', 'replicas', 'image', 'resources', 'unprivileged nginx']) {
        expect(web).toContain(field);
      }
    });
  });
});

/** The default topics, as complete topic entries. */
function parsePlatformTopics(): Manifest[] {
  const parsed = parsePlatform(loadExample('platform-minimal'));
  if (!parsed.ok) throw new Error('the minimal sample does not parse');
  return parsed.platform.spec.kafka.topics.map((t) => ({ ...t }));
}
