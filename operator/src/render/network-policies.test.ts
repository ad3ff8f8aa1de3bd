import { describe, expect, it } from 'vitest';
import { type Manifest, samplePlatform } from '../../test/workloads/sample-platforms.js';
import { buildDefaultDenyPolicy, buildServicePolicy, callersOf, peersForHost } from './network-policies.js';
import { renderContext } from './render-context.js';

const ctxOf = (
  sample: 'platform-minimal' | 'platform-full' = 'platform-minimal',
  edit?: (m: Manifest) => void,
) => renderContext(samplePlatform(sample, edit));
const portsOf = (rules: { ports?: { port?: number | string; protocol?: string }[] }[] | undefined) =>
  (rules ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`));

describe('the NetworkPolicies', () => {
  it('deny everything to and from every pod of the Platform by default', () => {
    expect(buildDefaultDenyPolicy(ctxOf()).spec).toEqual({
      podSelector: { matchLabels: { 'platform.quire.dev/platform': 'quire' } },
      policyTypes: ['Ingress', 'Egress'],
    });
  });

  it("let the services that verify tokens reach auth's API port, and nothing else call a service", () => {
    expect(callersOf('auth')).toEqual(['user', 'document', 'notification', 'search', 'audit']);
    for (const service of ['user', 'document', 'notification', 'search', 'export', 'audit'] as const) {
      expect(callersOf(service)).toEqual([]);
    }
    const auth = buildServicePolicy(ctxOf(), 'auth');
    expect(
      auth.spec.ingress?.[0]?.from?.map((p) => p.podSelector?.matchLabels?.['app.kubernetes.io/name']),
    ).toEqual(['user', 'document', 'notification', 'search', 'audit']);
    const user = buildServicePolicy(ctxOf(), 'user');
    expect(user.spec.egress?.[1]).toEqual({
      to: [
        {
          podSelector: {
            matchLabels: { 'app.kubernetes.io/name': 'auth', 'platform.quire.dev/platform': 'quire' },
          },
        },
      ],
      ports: [{ protocol: 'TCP', port: 8080 }],
    });
  });

  it("let the gateway's namespace reach the API port of every routed service, notification and audit included, and not export", () => {
    const ctx = ctxOf('platform-full');
    for (const service of ['auth', 'user', 'document', 'notification', 'search', 'audit'] as const) {
      expect(buildServicePolicy(ctx, service).spec.ingress?.[0], service).toEqual({
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      });
    }
    expect(portsOf(buildServicePolicy(ctx, 'export').spec.ingress)).toEqual(['TCP/9090']);
  });

  it('let nothing from outside reach a public service when no gateway is configured', () => {
    const ingress = buildServicePolicy(ctxOf(), 'document').spec.ingress;
    expect(portsOf(ingress)).toEqual(['TCP/9090']);
  });

  it('let each service reach DNS and exactly its own stores, on their ports', () => {
    const ctx = ctxOf();
    expect(portsOf(buildServicePolicy(ctx, 'auth').spec.egress)).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/5432',
      'TCP/6379',
      'TCP/9092',
    ]);
    // User counts each caller's email lookups in Redis; auth's key set is on its API port.
    expect(portsOf(buildServicePolicy(ctx, 'user').spec.egress)).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/8080',
      'TCP/5432',
      'TCP/6379',
      'TCP/9092',
    ]);
    expect(portsOf(buildServicePolicy(ctx, 'search').spec.egress)).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/8080',
      'TCP/9092',
      'TCP/9200',
    ]);
    expect(portsOf(buildServicePolicy(ctx, 'export').spec.egress)).toEqual([
      'UDP/53',
      'TCP/53',
      'TCP/5432',
      'TCP/9000',
      'TCP/9092',
    ]);
  });

  it("let notification, and only notification, call users' webhooks on the internet's HTTPS port, never a private address", () => {
    const ctx = ctxOf();
    const egress = buildServicePolicy(ctx, 'notification').spec.egress;
    expect(portsOf(egress)).toEqual(['UDP/53', 'TCP/53', 'TCP/8080', 'TCP/5432', 'TCP/9092', 'TCP/443']);
    const webhooks = egress?.at(-1);
    expect(webhooks?.to?.map((p) => p.ipBlock?.cidr)).toEqual(['0.0.0.0/0', '::/0']);
    const [v4, v6] = (webhooks?.to ?? []).map((p) => p.ipBlock?.except ?? []);
    expect(v4).toEqual(
      expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
    );
    expect(v6).toEqual(expect.arrayContaining(['fc00::/7', 'fe80::/10']));
    for (const service of ['auth', 'user', 'document', 'search', 'export', 'audit'] as const) {
      expect(portsOf(buildServicePolicy(ctx, service).spec.egress), service).not.toContain('TCP/443');
    }
  });

  it('let every service reach the trace collector when one is configured', () => {
    const egress = buildServicePolicy(ctxOf('platform-full'), 'audit').spec.egress;
    expect(egress?.at(-1)).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } } }],
      ports: [{ protocol: 'TCP', port: 4318 }],
    });
  });

  it('turn a store host into the narrowest peer its form allows', () => {
    const ns = (name: string) => [
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name } } },
    ];
    expect(peersForHost('postgres.data.svc')).toEqual(ns('data'));
    expect(peersForHost('postgres.data.svc.cluster.local')).toEqual(ns('data'));
    expect(peersForHost('kafka-0.kafka.data.svc')).toEqual(ns('data'));
    expect(peersForHost('postgres')).toEqual([{ podSelector: {} }]);
    expect(peersForHost('10.1.2.3')).toEqual([{ ipBlock: { cidr: '10.1.2.3/32' } }]);
    expect(peersForHost('s3.eu-west-1.amazonaws.com')).toEqual([
      { ipBlock: { cidr: '0.0.0.0/0' } },
      { ipBlock: { cidr: '::/0' } },
    ]);
  });
});
