import { databaseSchemas, serviceCatalogue, serviceNames } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadExample } from '../../test/platform-api-cases.js';
import { defaultTopicSpecs, type Platform, parsePlatform, platformTopics } from './index.js';

function parsed(manifest: unknown): Platform {
  const result = parsePlatform(manifest);
  if (!result.ok)
    throw new Error(`expected the manifest to parse, got:\n${JSON.stringify(result.problems, null, 2)}`);
  return result.platform;
}

describe('the Platform schema', () => {
  const minimal = parsed(loadExample('platform-minimal'));

  it('gives every service the replicas of the seed table when the minimal sample names none', () => {
    for (const name of serviceNames) {
      expect(minimal.spec.services[name].replicas, name).toBe(serviceCatalogue[name].defaultReplicas);
    }
    expect(Object.keys(minimal.spec.services)).toEqual([...serviceNames]);
  });

  it('spreads the minimal sample over the three zones of the local cluster, one pool each', () => {
    expect(minimal.spec.topology).toEqual({
      zones: [
        { name: 'zone-a', pool: 'zone-a' },
        { name: 'zone-b', pool: 'zone-b' },
        { name: 'zone-c', pool: 'zone-c' },
      ],
      zoneLabelKey: 'topology.kubernetes.io/zone',
      poolLabelKey: 'platform.quire.dev/pool',
      spread: { maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule', acrossNodes: true },
    });
  });

  it('defaults to short-lived certificates from the built-in CA, renewed at two thirds of their life', () => {
    expect(minimal.spec.mtls).toEqual({
      trustDomain: 'quire.local',
      certificateLifetime: '24h',
      renewBefore: '8h',
      issuer: { type: 'BuiltIn' },
    });
  });

  it('reads a CA you supply from tls.crt and tls.key of the Secret caSecretRef names, unless told other keys', () => {
    const manifest = loadExample('platform-minimal');
    manifest.spec.mtls = { issuer: { caSecretRef: { name: 'my-ca' } } };
    expect(parsed(manifest).spec.mtls.issuer).toEqual({
      type: 'BuiltIn',
      caSecretRef: { name: 'my-ca', certificateKey: 'tls.crt', privateKeyKey: 'tls.key' },
    });
  });

  it("manages the platform's own topics, replicated once per zone, when no topics are listed", () => {
    expect(minimal.spec.kafka.topics).toEqual(defaultTopicSpecs());
    expect(minimal.spec.kafka.topics.map((t) => t.name)).toEqual(platformTopics.map((t) => t.name));
    expect(new Set(minimal.spec.kafka.topics.map((t) => t.replicationFactor))).toEqual(new Set([3]));
  });

  it('gives each service that keeps state the schema its code expects, and the search service none', () => {
    const withSchema = serviceNames.filter((name) => serviceCatalogue[name].hasSchema);
    expect(Object.keys(minimal.spec.postgres.schemas)).toEqual(withSchema);
    for (const name of withSchema)
      expect(minimal.spec.postgres.schemas[name]?.name).toBe(databaseSchemas[name]);
    expect(minimal.spec.postgres.schemas.search).toBeUndefined();
  });

  it('runs the web app on two small pods from the platform image registry unless told otherwise', () => {
    expect(minimal.spec.web).toEqual({
      enabled: true,
      replicas: 2,
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { memory: '128Mi' } },
    });
  });

  it('rejects a web image that is not a full reference, and web requests above their limits, naming the field', () => {
    const broken = loadExample('platform-minimal');
    broken.spec.web = { image: 'nginx', resources: { requests: { memory: '1Gi' } } };
    const result = parsePlatform(broken);
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.problems.map((p) => p.message)).toEqual([
      expect.stringContaining('spec.web.image must be a full image reference'),
      'spec.web.resources.requests.memory must not exceed spec.web.resources.limits.memory',
    ]);
  });

  it('retains topics and schemas when a Platform is deleted unless told otherwise', () => {
    expect(minimal.spec.deletionPolicy).toEqual({ topics: 'Retain', schemas: 'Retain' });
  });

  it('reconciles unless paused, with no gateway routes and no ServiceMonitor by default', () => {
    expect(minimal.spec.paused).toBe(false);
    expect(minimal.spec.gateway).toBeUndefined();
    expect(minimal.spec.observability).toEqual({
      serviceMonitor: { enabled: false, interval: '30s' },
      logLevel: 'info',
    });
  });

  it('keeps every value the full sample sets', () => {
    const full = loadExample('platform-full');
    const platform = parsed(full);
    expect(platform.spec.services.document.autoscaling).toEqual(full.spec.services.document.autoscaling);
    expect(platform.spec.services.search.image).toBe(full.spec.services.search.image);
    expect(platform.spec.web).toEqual(full.spec.web);
    expect(platform.spec.mtls.issuer).toEqual({
      type: 'CertManager',
      certManager: { name: 'quire-workload-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' },
    });
    expect(platform.spec.kafka.topics).toHaveLength(full.spec.kafka.topics.length);
    expect(platform.spec.search.kind).toBe('opensearch');
    expect(platform.spec.gateway?.hostnames).toEqual(['docs.example.com', 'api.docs.example.com']);
    expect(platform.spec.redis.mode).toBe('Cluster');
    expect(platform.spec.auth).toEqual(full.spec.auth);
  });

  it('names no first admin unless told, so no email becomes admin by default', () => {
    expect(minimal.spec.auth).toEqual({});
  });

  it("accepts as the first admin's email only what Auth accepts as an email, so Auth never refuses to start", () => {
    const authAccepts = z.email();
    const candidates = [
      'admin@quire.local',
      'Ada.Lovelace+ops@Example.COM',
      "o'brien@example.ie",
      'a_b-c@sub.example.co.uk',
      'admin',
      'admin@localhost',
      '.admin@example.com',
      'ad..min@example.com',
      "admin'@example.com",
      'admin.@example.com',
      'admin@-example.com',
      'admin@example.c',
      'admin@example.123',
      'ad min@example.com',
      'admin@@example.com',
      '"admin"@example.com',
      'admin@[127.0.0.1]',
    ];
    const verdicts = candidates.map((email) => {
      const manifest = loadExample('platform-minimal');
      manifest.spec.auth = { bootstrapAdminEmail: email };
      return { email, platform: parsePlatform(manifest).ok, auth: authAccepts.safeParse(email).success };
    });
    for (const v of verdicts) if (v.platform) expect(v.auth, v.email).toBe(true);
    expect(verdicts.filter((v) => v.platform).map((v) => v.email)).toEqual(candidates.slice(0, 4));
  });

  it('needs nothing in the minimal sample that has a default', () => {
    const minimalSample = loadExample('platform-minimal');
    expect(Object.keys(minimalSample.spec).sort()).toEqual(
      ['kafka', 'objectStorage', 'postgres', 'redis', 'search', 'version'].sort(),
    );
  });
});
