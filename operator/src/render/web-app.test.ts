import { readFileSync } from 'node:fs';
import type { V1Container, V1Deployment, V1PodSpec, V1Service } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { type Manifest, samplePlatform } from '../../test/workloads/sample-platforms.js';
import { type DesiredObject, desiredWorkloads, webWorkloads } from './desired-workloads.js';
import { buildHttpRoute, buildWebHttpRoute } from './http-route.js';
import { buildServicePolicy, buildWebPolicy } from './network-policies.js';
import { buildPodDisruptionBudget } from './pod-disruption-budget.js';
import { renderContext } from './render-context.js';
import { buildWebService } from './service.js';
import { buildWebDeployment, webHealthPath, webPort, webUser } from './web-deployment.js';

const ctxOf = (
  sample: 'platform-minimal' | 'platform-full' = 'platform-minimal',
  edit?: (m: Manifest) => void,
  gatewayApi = true,
) => renderContext(samplePlatform(sample, edit), { gatewayApi });
const deploymentOf = (...args: Parameters<typeof ctxOf>) =>
  buildWebDeployment(ctxOf(...args)) as Required<V1Deployment>;
const podOf = (d: Required<V1Deployment>) => d.spec.template.spec as V1PodSpec;
const containerOf = (d: Required<V1Deployment>) => podOf(d).containers[0] as V1Container;
const kindsOf = (objects: DesiredObject[]) => objects.map((o) => `${o.kind.kind} ${o.object.metadata.name}`);

// The image's own files: the operator's constants must match what the image really does.
const webFile = (name: string) =>
  readFileSync(new URL(`../../../clients/web/${name}`, import.meta.url), 'utf8');

describe('the web app', () => {
  it('runs <imageRegistry>/web:<version> on two pods by default, or the image and replicas the spec names', () => {
    const defaults = deploymentOf();
    expect(defaults.spec.replicas).toBe(2);
    expect(containerOf(defaults).image).toBe('ghcr.io/quire-dev/web:1.0.0');
    const full = deploymentOf('platform-full');
    expect(full.spec.replicas).toBe(3);
    expect(containerOf(full).image).toBe('registry.example.com/quire/web:1.4.2-hotfix.1');
    expect(containerOf(full).resources).toEqual({
      requests: { cpu: '100m', memory: '64Mi' },
      limits: { memory: '128Mi' },
    });
    expect(containerOf(deploymentOf('platform-minimal', (m) => (m.spec.version = '2.0.0'))).image).toBe(
      'ghcr.io/quire-dev/web:2.0.0',
    );
  });

  it('asks for less than a service by default: nginx serving files is small', () => {
    expect(containerOf(deploymentOf()).resources).toEqual({
      requests: { cpu: '50m', memory: '64Mi' },
      limits: { memory: '128Mi' },
    });
  });

  it("passes the restricted profile as nginx's own user, with a read-only root and only nginx's writable folders as emptyDirs", () => {
    const d = deploymentOf();
    const pod = podOf(d);
    expect(pod.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: webUser,
      runAsGroup: webUser,
      fsGroup: webUser,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(containerOf(d).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(containerOf(d).volumeMounts?.map((m) => m.mountPath)).toEqual([
      '/tmp',
      '/var/cache/nginx',
      '/var/run',
    ]);
    expect(pod.volumes?.every((v) => v.emptyDir?.sizeLimit !== undefined && !v.secret)).toBe(true);
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('quire-web');
    expect(webFile('Dockerfile')).toMatch(new RegExp(`^USER ${webUser}$`, 'm'));
  });

  it("probes nginx's health location on its one port, and has no certificate, settings or ops port", () => {
    const c = containerOf(deploymentOf());
    for (const probe of [c.startupProbe, c.livenessProbe, c.readinessProbe]) {
      expect(probe?.httpGet).toEqual({ path: webHealthPath, port: 'http', scheme: 'HTTP' });
    }
    expect(c.ports).toEqual([{ name: 'http', containerPort: webPort, protocol: 'TCP' }]);
    expect(c.env).toBeUndefined();
    expect(c.envFrom).toBeUndefined();
    const nginx = webFile('nginx.conf');
    expect(nginx).toMatch(new RegExp(`^\\s*listen ${webPort};`, 'm'));
    expect(nginx).toMatch(new RegExp(`location = ${webHealthPath} \\{[^}]*return 200`));
  });

  it('spreads over the zones and keeps to their pools exactly as a service does', () => {
    const web = podOf(deploymentOf());
    const auth = desiredWorkloads(samplePlatform()).find(
      (o) => o.kind.kind === 'Deployment' && o.object.metadata.name === 'quire-auth',
    )?.object as unknown as Required<V1Deployment>;
    const withoutSelector = (pod: V1PodSpec) =>
      pod.topologySpreadConstraints?.map(({ labelSelector, ...rest }) => rest);
    expect(withoutSelector(web)).toEqual(withoutSelector(podOf(auth)));
    expect(web.affinity).toEqual(podOf(auth).affinity);
    expect(web.topologySpreadConstraints?.map((c) => c.labelSelector?.matchLabels)).toEqual([
      { 'app.kubernetes.io/name': 'web', 'platform.quire.dev/platform': 'quire' },
      { 'app.kubernetes.io/name': 'web', 'platform.quire.dev/platform': 'quire' },
    ]);
    expect(web.topologySpreadConstraints?.[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      minDomains: 3,
    });
  });

  it('is reached through a Service with one plain HTTP port, which the gateway speaks to it', () => {
    expect((buildWebService(ctxOf()) as Required<V1Service>).spec).toEqual({
      type: 'ClusterIP',
      selector: { 'app.kubernetes.io/name': 'web', 'platform.quire.dev/platform': 'quire' },
      ports: [{ name: 'http', port: webPort, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }],
    });
  });

  it('keeps one pod available through voluntary disruptions with the default two replicas, and has no budget with one', () => {
    expect(buildPodDisruptionBudget(ctxOf(), 'web')?.spec?.minAvailable).toBe(1);
    expect(
      buildPodDisruptionBudget(
        ctxOf('platform-minimal', (m) => (m.spec.web = { replicas: 1 })),
        'web',
      ),
    ).toBeUndefined();
  });

  it("admits requests from the gateway's namespace only, on nginx's port, and lets the pods ask DNS and nothing else", () => {
    expect(buildWebPolicy(ctxOf('platform-full')).spec).toEqual({
      podSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'web', 'platform.quire.dev/platform': 'quire-prod' },
      },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'gateway-system' } } }],
          ports: [{ protocol: 'TCP', port: webPort }],
        },
      ],
      egress: [buildServicePolicy(ctxOf('platform-full'), 'auth').spec.egress?.[0]],
    });
    expect(buildWebPolicy(ctxOf()).spec.ingress).toEqual([]);
  });

  it("is routed at / to its Service's port, on the services' Gateway and host names", () => {
    const ctx = ctxOf('platform-full');
    const web = buildWebHttpRoute(ctx);
    const auth = buildHttpRoute(ctx, 'auth');
    expect(web?.metadata.name).toBe('quire-prod-web');
    expect(web?.spec).toEqual({
      parentRefs: (auth?.spec as { parentRefs?: unknown } | undefined)?.parentRefs,
      hostnames: ['docs.example.com', 'api.docs.example.com'],
      rules: [
        {
          matches: [{ path: { type: 'PathPrefix', value: '/' } }],
          backendRefs: [{ group: '', kind: 'Service', name: 'quire-prod-web', port: webPort }],
        },
      ],
    });
  });

  it('has no route without spec.gateway or without the Gateway API CRDs', () => {
    expect(buildWebHttpRoute(ctxOf())).toBeUndefined();
    expect(buildWebHttpRoute(ctxOf('platform-full', undefined, false))).toBeUndefined();
  });

  it('consists of a policy, an account, a Service, a Deployment, a budget and a route, and of nothing when disabled', () => {
    expect(kindsOf(webWorkloads(ctxOf('platform-full')))).toEqual([
      'NetworkPolicy quire-prod-web',
      'ServiceAccount quire-prod-web',
      'Service quire-prod-web',
      'Deployment quire-prod-web',
      'PodDisruptionBudget quire-prod-web',
      'HTTPRoute quire-prod-web',
    ]);
    expect(webWorkloads(ctxOf('platform-full', (m) => (m.spec.web = { enabled: false })))).toEqual([]);
  });
});
