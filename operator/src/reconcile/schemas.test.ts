import { describe, expect, it } from 'vitest';
import { fakeScope, minimalManifest, parseManifest, testMetrics } from '../../test/external/fake-scope.js';
import { releaseSchemasAnnotation } from '../external/release-annotations.js';
import { schemaProblemOutcome } from '../external/schema-report.js';
import { createSchemasPhase, managedSchemas, migrationChangedReason } from './schemas.js';

function scopeWith(annotations: Record<string, string> = {}) {
  const manifest = minimalManifest();
  manifest.metadata.annotations = annotations;
  return fakeScope(parseManifest(manifest), manifest as never);
}

describe('the schemas a Platform manages', () => {
  it('are one per service that keeps state, each with a role named for its database and schema', () => {
    const { managed, released } = managedSchemas(scopeWith().scope);
    expect(managed.map((m) => m.service)).toEqual([
      'auth',
      'user',
      'document',
      'notification',
      'export',
      'audit',
    ]);
    expect(managed.find((m) => m.service === 'user')?.target).toEqual({
      service: 'user',
      schema: 'users',
      role: 'quire_users',
    });
    expect(released).toEqual([]);
  });

  it('leave out a schema released by service name or by schema name', () => {
    const { managed, released } = managedSchemas(
      scopeWith({ [releaseSchemasAnnotation]: 'auth, users' }).scope,
    );
    expect(managed.map((m) => m.service)).not.toContain('auth');
    expect(managed.map((m) => m.service)).not.toContain('user');
    expect(released).toEqual(['auth', 'user']);
  });
});

describe('the SchemasReady condition', () => {
  const problem = (reason: string, stalled = false, soon = false) => ({
    reason,
    message: `${reason} here`,
    stalled,
    soon,
  });

  it('stalls on an edited migration before any other problem, listing every problem', () => {
    const { scope, events } = scopeWith();
    const outcome = schemaProblemOutcome(
      scope,
      [problem('Migrating', false, true), problem(migrationChangedReason, true), problem('MigrationFailed')],
      6,
      [],
      [],
    );
    expect(outcome).toMatchObject({
      stalled: true,
      condition: { status: 'False', reason: migrationChangedReason },
    });
    expect(outcome.condition.message).toBe('Migrating here; MigrationChanged here; MigrationFailed here');
    expect(events.map((e) => e.type)).toEqual(['Warning', 'Warning', 'Warning']);
  });

  it('asks to look again soon while another migrator holds the lock', () => {
    const outcome = schemaProblemOutcome(scopeWith().scope, [problem('Migrating', false, true)], 6, [], []);
    expect(outcome).toMatchObject({ condition: { reason: 'Migrating' }, requeueAfterMs: 5_000 });
    expect(outcome.stalled).toBeUndefined();
  });

  it('is True with the applied version of each schema, also in status.schemas', () => {
    const versions = [
      { service: 'auth', schema: 'auth', version: '0002_signing_keys', appliedAt: '2026-01-01T00:00:00Z' },
    ];
    const outcome = schemaProblemOutcome(scopeWith().scope, [], 6, versions, ['audit']);
    expect(outcome.condition).toMatchObject({ status: 'True', reason: 'Reconciled' });
    expect(outcome.condition.message).toMatch(/auth at 0002_signing_keys\); released, left alone: audit$/);
    expect(outcome.fields).toEqual({ schemas: versions });
  });
});

describe('the schemas phase without PostgreSQL', () => {
  it('reports a missing admin Secret as SecretNotFound, naming it', async () => {
    const { scope } = scopeWith();
    const phase = createSchemasPhase({
      secrets: { read: async () => undefined },
      metrics: testMetrics(),
      migrations: new Map(),
    });
    const outcome = await phase.run(scope);
    expect(outcome.condition).toMatchObject({ status: 'False', reason: 'SecretNotFound' });
    expect(outcome.condition.message).toMatch(/Secret quire-test\/quire-postgres-admin does not exist/);
  });

  it('reports PostgreSQL away as DependencyUnavailable with its address, and retries later', async () => {
    const { scope } = scopeWith();
    scope.platform.spec.postgres.host = '127.0.0.1';
    scope.platform.spec.postgres.port = 1;
    scope.platform.spec.postgres.sslMode = 'disable';
    const secrets = { read: async () => ({ username: 'admin', password: 'x' }) };
    const phase = createSchemasPhase({ secrets, metrics: testMetrics(), migrations: new Map() });
    const outcome = await phase.run(scope);
    expect(outcome.condition).toMatchObject({ status: 'False', reason: 'DependencyUnavailable' });
    expect(outcome.condition.message).toMatch(/Could not connect to PostgreSQL at 127.0.0.1:1\/quire/);
    expect(outcome.requeueAfterMs ?? 0).toBeGreaterThan(0);
  });
});
