/**
 * The schemas phase against the local stack's PostgreSQL and cluster: roles, schemas, Secrets and
 * the services' packaged migrations; least privilege checked by logging in as the roles; no-op
 * re-runs; concurrent replicas; an edited migration; deletion with either policy.
 */
import type { TestNamespace } from '@quire/dev';
import { uniqueName } from '@quire/kit/testing';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servicesWithSchema } from '../../src/api/spec-stores.js';
import type { MigrationFile } from '../../src/external/kit-migrations.js';
import { loadMigrationBundle, type MigrationBundle } from '../../src/external/migration-bundle.js';
import { versionName } from '../../src/external/migrator.js';
import { releaseSchemasAnnotation } from '../../src/external/release-annotations.js';
import type { SchemaTarget } from '../../src/external/schema-plan.js';
import { createSchemasPhase, managedSchemas, migrationChangedReason } from '../../src/reconcile/schemas.js';
import { postgresSecretName } from '../../src/render/names.js';
import type { ApiClient } from '../../src/runtime/api-client.js';
import { managedByLabel, managedByValue } from '../../src/runtime/ownership.js';
import { type Manifest, metricValue, minimalManifest, testMetrics } from './fake-scope.js';
import {
  type ClusterPlatform,
  clusterPlatform,
  ensurePlatformCrd,
  namespaceWithAdminSecret,
  readSecret,
  testApiClient,
} from './fixtures/cluster.js';
import { adminConnection, dropTargets, testClient } from './fixtures/postgres.js';

let client: ApiClient;
let namespace: TestNamespace;
let bundle: MigrationBundle;
let check: pg.Client;
const targets: SchemaTarget[] = [];

/** A Platform on the local PostgreSQL whose schemas have names unique to this run. */
async function platform(
  name: string,
  edit: (m: Manifest) => void = () => {},
): Promise<ClusterPlatform & { manifest: Manifest }> {
  const manifest = minimalManifest(namespace.name, name);
  const pg = adminConnection();
  manifest.spec.postgres = {
    ...manifest.spec.postgres,
    host: pg.host,
    port: pg.port,
    database: pg.database,
    sslMode: 'disable',
    schemas: Object.fromEntries(servicesWithSchema.map((s) => [s, { name: uniqueName(`it_${s}`) }])),
  };
  edit(manifest);
  const made = await clusterPlatform(client, manifest);
  targets.push(...managedSchemas(made.scope).managed.map((m) => m.target));
  return { ...made, manifest };
}

const phaseFor = (made: ClusterPlatform, migrations = bundle) =>
  createSchemasPhase({ secrets: made.secrets, metrics: testMetrics(), migrations, lockWaitMs: 20_000 });

const targetOf = (made: ClusterPlatform, service: string) =>
  managedSchemas(made.scope).managed.find((m) => m.service === service)?.target as SchemaTarget;

const loginAs = async (made: ClusterPlatform, service: string) => {
  const secret = await readSecret(
    client,
    namespace.name,
    postgresSecretName(made.scope.name, service as never),
  );
  return testClient({ user: secret?.data.username ?? '', password: secret?.data.password ?? '' });
};

const appliedVersions = async (schema: string) =>
  (await check.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`)).rows.map(
    (r) => r.version,
  );

beforeAll(async () => {
  client = testApiClient();
  await ensurePlatformCrd(client);
  namespace = await namespaceWithAdminSecret(client);
  bundle = await loadMigrationBundle();
  check = await testClient();
});
afterAll(async () => {
  await check?.end();
  await dropTargets(targets);
  await namespace?.dispose();
});

describe('the schemas phase against PostgreSQL', () => {
  let made: ClusterPlatform;
  beforeAll(async () => {
    made = await platform('schemas-it');
  });

  it("creates each service's schema and role, its password Secret, and applies its migrations", async () => {
    const metrics = testMetrics();
    const phase = createSchemasPhase({ secrets: made.secrets, metrics, migrations: bundle });
    const outcome = await phase.run(made.scope);
    expect(outcome.condition).toMatchObject({ type: 'SchemasReady', status: 'True', reason: 'Reconciled' });
    const expected = [...bundle].map(([service, files]) => ({
      service,
      schema: targetOf(made, service).schema,
      version: versionName(files.at(-1) as MigrationFile),
      appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    }));
    expect(outcome.fields?.schemas).toEqual(expect.arrayContaining(expected));
    for (const service of servicesWithSchema) {
      const target = targetOf(made, service);
      const secret = await readSecret(client, namespace.name, postgresSecretName('schemas-it', service));
      expect(secret?.labels[managedByLabel]).toBe(managedByValue);
      expect(secret?.data.username).toBe(target.role);
      const owner = await check.query(
        'SELECT pg_get_userbyid(nspowner) AS owner FROM pg_namespace WHERE nspname = $1',
        [target.schema],
      );
      expect(owner.rows[0]?.owner).toBe(target.role);
    }
    const auth = targetOf(made, 'auth');
    const tables = await check.query(
      'SELECT tablename, tableowner FROM pg_tables WHERE schemaname = $1 ORDER BY 1',
      [auth.schema],
    );
    expect(tables.rows).toContainEqual({ tablename: 'accounts', tableowner: auth.role });
    const reasons = made.events.map((e) => e.reason);
    expect(reasons).toEqual(
      expect.arrayContaining(['RoleCreated', 'SchemaCreated', 'PasswordGenerated', 'MigrationApplied']),
    );
    expect(await metricValue(metrics.schemasReady, { platform: 'schemas-it' })).toBe(1);
    expect(await metricValue(metrics.migrationsApplied, { service: 'auth' })).toBe(
      bundle.get('auth')?.length,
    );
  });

  it("lets each role use its own schema and refuses it another's", async () => {
    const auth = targetOf(made, 'auth');
    const users = targetOf(made, 'user');
    const session = await loginAs(made, 'auth');
    try {
      await session.query(
        `INSERT INTO "${auth.schema}".accounts (id, email, password_hash) VALUES (gen_random_uuid(), 'a@b.c', 'x')`,
      );
      await session.query(`CREATE TABLE "${auth.schema}".scratch (id int)`);
      await expect(session.query(`SELECT * FROM "${users.schema}".profiles`)).rejects.toThrow(
        /permission denied for schema/,
      );
      await expect(session.query(`CREATE TABLE "${users.schema}".intruder (id int)`)).rejects.toThrow(
        /permission denied/,
      );
      await expect(session.query('CREATE TABLE public.intruder (id int)')).rejects.toThrow(
        /permission denied/,
      );
      await expect(session.query('CREATE ROLE sneaky')).rejects.toThrow(/permission denied/);
    } finally {
      await session.end();
    }
  });

  it('changes nothing on a second run: no statement, no migration, no new password, no Event', async () => {
    const before = await readSecret(client, namespace.name, postgresSecretName('schemas-it', 'auth'));
    made.events.length = 0;
    const outcome = await phaseFor(made).run(made.scope);
    expect(outcome.condition.status).toBe('True');
    expect(made.events).toEqual([]);
    expect(
      (await readSecret(client, namespace.name, postgresSecretName('schemas-it', 'auth')))?.data,
    ).toEqual(before?.data);
  });

  it('keeps the schemas, roles and data when the Platform is deleted, and says so in an Event', async () => {
    const outcome = await phaseFor(made).cleanup(made.scope);
    expect(outcome.done).toBe(true);
    expect(made.events.at(-1)).toMatchObject({
      reason: 'SchemasRetained',
      note: expect.stringMatching(/^Kept 6 schema\(s\)/),
    });
    const rows = await check.query(`SELECT email FROM "${targetOf(made, 'auth').schema}".accounts`);
    expect(rows.rows).toEqual([{ email: 'a@b.c' }]);
  });

  it('removes the schemas and roles with the Delete policy, except a released one', async () => {
    made.object.metadata.annotations = { [releaseSchemasAnnotation]: 'user' };
    made.scope.platform.spec.deletionPolicy.schemas = 'Delete';
    expect((await phaseFor(made).cleanup(made.scope)).done).toBe(true);
    expect(made.events.at(-1)?.reason).toBe('SchemasDeleted');
    const schemas = made.scope.platform.spec.postgres.schemas;
    const left = await check.query('SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)', [
      servicesWithSchema.map((s) => schemas[s]?.name ?? ''),
    ]);
    const roles = await check.query('SELECT rolname FROM pg_roles WHERE rolname = $1', [
      targetOf(made, 'auth').role,
    ]);
    expect(roles.rows).toEqual([]);
    expect(left.rows.map((r) => r.nspname)).toEqual([schemas.user?.name]);
  });
});

describe('migrations under concurrency and change', () => {
  it('when two operator replicas reconcile at once, each migration is applied exactly once', async () => {
    const a = await platform('replicas-it');
    // A second replica: its own applier and phase, the same Platform.
    const b = await clusterPlatform(client, a.manifest);
    const [one, two] = await Promise.all([phaseFor(a).run(a.scope), phaseFor(b).run(b.scope)]);
    expect([one.condition.status, two.condition.status]).toEqual(['True', 'True']);
    const applied = [...a.events, ...b.events].filter((e) => e.reason === 'MigrationApplied');
    expect(applied).toHaveLength([...bundle.values()].reduce((n, files) => n + files.length, 0));
    expect(await appliedVersions(targetOf(a, 'auth').schema)).toEqual(
      bundle.get('auth')?.map((f) => f.version),
    );
    // Both replicas agree on the password: the one in the Secret is the one the role has.
    const session = await loginAs(a, 'auth');
    await session.end();
  });

  it('reports an edited applied migration, never re-runs it, and applies nothing after it', async () => {
    const made = await platform('edited-it');
    await phaseFor(made).run(made.scope);
    const auth = [...(bundle.get('auth') ?? [])];
    const edited = new Map(bundle);
    edited.set('auth', [
      { ...(auth[0] as MigrationFile), sql: `${auth[0]?.sql}\nALTER TABLE accounts ADD COLUMN sneaky int;` },
      ...auth.slice(1),
      { version: 99, name: 'after_the_edit', sql: 'CREATE TABLE after_the_edit (id int);' },
    ]);
    const outcome = await phaseFor(made, edited).run(made.scope);
    expect(outcome).toMatchObject({
      stalled: true,
      condition: { status: 'False', reason: migrationChangedReason },
    });
    expect(outcome.condition.message).toMatch(
      /migration services\/auth\/migrations\/0001_accounts.sql was edited after it was applied/,
    );
    expect(await appliedVersions(targetOf(made, 'auth').schema)).toEqual(auth.map((f) => f.version));
    const columns = await check.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'accounts' AND column_name = 'sneaky'`,
      [targetOf(made, 'auth').schema],
    );
    expect(columns.rows).toEqual([]);
    expect(made.events.at(-1)).toMatchObject({ type: 'Warning', reason: migrationChangedReason });
  });
});
