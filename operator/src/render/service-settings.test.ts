import { envVar, envVariablesFor, serviceNames } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { samplePlatform } from '../../test/workloads/sample-platforms.js';
import { renderContext } from './render-context.js';
import { compositionVars, serviceSettings } from './service-settings.js';

const settingsOf = (
  service: (typeof serviceNames)[number],
  sample: 'platform-minimal' | 'platform-full' = 'platform-minimal',
) => serviceSettings(renderContext(samplePlatform(sample)), service);
const names = (s: ReturnType<typeof settingsOf>) => [...Object.keys(s.config), ...s.env.map((e) => e.name)];

describe("a service's settings", () => {
  it.each(serviceNames)(
    'give %s every variable the kit requires, and only variables the kit or the composition knows',
    (service) => {
      for (const sample of ['platform-minimal', 'platform-full'] as const) {
        const set = names(settingsOf(service, sample));
        const { required, optional } = envVariablesFor(service);
        expect(set).toEqual(expect.arrayContaining(required));
        const known = new Set<string>([...required, ...optional, ...Object.values(compositionVars)]);
        expect(set.filter((name) => !known.has(name))).toEqual([]);
        expect(new Set(set).size).toBe(set.length);
      }
    },
  );

  it('never put a credential in the ConfigMap: credentials come from Secret references', () => {
    for (const service of serviceNames) {
      const { config, env } = settingsOf(service, 'platform-full');
      expect(Object.keys(config).join()).not.toMatch(/PASSWORD|SECRET|ACCESS_KEY|USER(NAME)?$/);
      for (const e of env) expect(e.value === undefined ? e.valueFrom?.secretKeyRef : e.value).toBeDefined();
    }
  });

  it("compose the database URL from the service's own role, defined before the URL that expands it", () => {
    const { env } = settingsOf('document');
    expect(env.slice(0, 3)).toEqual([
      {
        name: 'QUIRE_DATABASE_USER',
        valueFrom: { secretKeyRef: { name: 'quire-document-postgres', key: 'username' } },
      },
      {
        name: 'QUIRE_DATABASE_PASSWORD',
        valueFrom: { secretKeyRef: { name: 'quire-document-postgres', key: 'password' } },
      },
      {
        name: envVar.databaseUrl,
        value:
          'postgres://$(QUIRE_DATABASE_USER):$(QUIRE_DATABASE_PASSWORD)@postgres.quire-data.svc:5432/quire?sslmode=require',
      },
    ]);
  });

  it('point the kit at the mounted PostgreSQL CA when the spec names one', () => {
    const settings = settingsOf('audit', 'platform-full');
    expect(settings.env.find((e) => e.name === envVar.databaseUrl)?.value).toMatch(
      /sslmode=verify-full&sslrootcert=\/var\/run\/quire\/store-ca\/postgres-ca\.crt$/,
    );
    expect(settings.caFiles).toContainEqual({
      secret: 'quire-postgres-ca',
      key: 'ca.crt',
      path: 'postgres-ca.crt',
    });
  });

  it('tell every Kafka client TLS with the mounted CA spec.kafka.tls.ca names, and the SASL login from its Secret', () => {
    const { config, env, caFiles } = settingsOf('notification', 'platform-full');
    expect(config).toMatchObject({
      [envVar.kafkaTls]: 'true',
      [envVar.kafkaCaFile]: '/var/run/quire/store-ca/kafka-ca.crt',
      [envVar.kafkaSaslMechanism]: 'SCRAM-SHA-512',
    });
    expect(caFiles).toContainEqual({ secret: 'quire-kafka-ca', key: 'ca.crt', path: 'kafka-ca.crt' });
    expect(env).toEqual(
      expect.arrayContaining([
        {
          name: envVar.kafkaSaslUsername,
          valueFrom: { secretKeyRef: { name: 'quire-kafka-user', key: 'username' } },
        },
        {
          name: envVar.kafkaSaslPassword,
          valueFrom: { secretKeyRef: { name: 'quire-kafka-user', key: 'password' } },
        },
      ]),
    );
    const plain = settingsOf('notification').config;
    expect(
      [envVar.kafkaTls, envVar.kafkaCaFile, envVar.kafkaSaslMechanism].filter((n) => n in plain),
    ).toEqual([]);
  });

  it('write a Redis cluster URL with TLS, the password from its Secret and the mounted CA spec.redis.tls.ca names', () => {
    const { env, config, caFiles } = settingsOf('auth', 'platform-full');
    expect(config[envVar.redisUrl]).toBeUndefined();
    expect(env.find((e) => e.name === envVar.redisUrl)?.value).toBe(
      'rediss-cluster://:$(QUIRE_REDIS_PASSWORD)@redis-0.redis.quire-data.svc:6379,redis-1.redis.quire-data.svc:6379,redis-2.redis.quire-data.svc:6379?ca=/var/run/quire/store-ca/redis-ca.crt',
    );
    expect(caFiles).toContainEqual({ secret: 'quire-redis-ca', key: 'ca.crt', path: 'redis-ca.crt' });
    expect(settingsOf('auth').config[envVar.redisUrl]).toBe('redis://redis.quire-data.svc:6379');
  });

  it('give Redis to auth and user, which count logins and lookups in it, and to no other service', () => {
    const withRedis = serviceNames.filter((service) =>
      settingsOf(service, 'platform-full').env.some((e) => e.name === envVar.redisUrl),
    );
    expect(withRedis).toEqual(['auth', 'user']);
    expect(settingsOf('user').config[envVar.redisUrl]).toBe('redis://redis.quire-data.svc:6379');
  });

  it("point every service that verifies tokens, internal ones included, at auth's key set over the mesh, served by auth's identity", () => {
    const authId = `spiffe://${samplePlatform('platform-minimal').spec.mtls.trustDomain}/ns/quire-test/sa/quire-auth`;
    for (const service of ['user', 'document', 'notification', 'search', 'audit'] as const) {
      const { config } = settingsOf(service);
      expect([config[envVar.authJwksUrl], config[envVar.authSpiffeId]], service).toEqual([
        'https://quire-auth.quire-test.svc:8080/.well-known/jwks.json',
        authId,
      ]);
    }
    for (const service of ['auth', 'export'] as const) {
      const { config } = settingsOf(service);
      expect([config[envVar.authJwksUrl], config[envVar.authSpiffeId]], service).toEqual([
        undefined,
        undefined,
      ]);
    }
  });

  it("let auth believe X-Forwarded-For only from the gateway's identity, and tell no other service", () => {
    const platform = samplePlatform('platform-minimal');
    const expected = `spiffe://${platform.spec.mtls.trustDomain}/ns/quire-test/sa/quire-gateway`;
    expect(settingsOf('auth').config[envVar.trustedProxyIds]).toBe(expected);
    for (const service of serviceNames.filter((s) => s !== 'auth')) {
      expect(settingsOf(service).config[envVar.trustedProxyIds], service).toBeUndefined();
    }
  });

  it("tell auth the first admin's email when the spec names one, and no service when it does not", () => {
    expect(settingsOf('auth', 'platform-full').config[envVar.authBootstrapAdminEmail]).toBe(
      'platform-admins@example.com',
    );
    expect(settingsOf('auth').config).not.toHaveProperty(envVar.authBootstrapAdminEmail);
    for (const service of serviceNames.filter((s) => s !== 'auth')) {
      expect(settingsOf(service, 'platform-full').config, service).not.toHaveProperty(
        envVar.authBootstrapAdminEmail,
      );
    }
  });

  it('give document and export their own buckets', () => {
    expect(settingsOf('document', 'platform-full').config[envVar.s3Bucket]).toBe('acme-quire-documents');
    expect(settingsOf('export', 'platform-full').config[envVar.s3Bucket]).toBe('acme-quire-exports');
  });

  it('put search engine credentials into the URL through expansion, never in clear', () => {
    const { env } = settingsOf('search', 'platform-full');
    expect(env.find((e) => e.name === envVar.searchUrl)?.value).toBe(
      'https://$(QUIRE_SEARCH_USERNAME):$(QUIRE_SEARCH_PASSWORD)@opensearch.quire-data.svc:9200',
    );
  });

  it("tell search which engine and index prefix the spec names, so it picks that engine's client", () => {
    expect(settingsOf('search').config[envVar.searchKind]).toBe('elasticsearch');
    expect(settingsOf('search').config[envVar.searchIndexPrefix]).toBe('quire');
    expect(settingsOf('search', 'platform-full').config[envVar.searchKind]).toBe('opensearch');
  });
});
