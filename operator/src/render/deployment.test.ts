import type { V1Container, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import { servicePaths, tlsFiles } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { type Manifest, samplePlatform } from '../../test/workloads/sample-platforms.js';
import { configChecksumAnnotation } from './config-map.js';
import { desiredWorkloads } from './desired-workloads.js';

function deploymentOf(
  service: string,
  edit?: (m: Manifest) => void,
  sample: 'platform-minimal' | 'platform-full' = 'platform-minimal',
) {
  const found = desiredWorkloads(samplePlatform(sample, edit)).find(
    (o) => o.kind.kind === 'Deployment' && o.object.metadata.labels?.['app.kubernetes.io/name'] === service,
  );
  if (!found) throw new Error(`no Deployment for ${service}`);
  return found.object as unknown as Required<V1Deployment>;
}
const podOf = (d: Required<V1Deployment>) => d.spec.template.spec as V1PodSpec;
const containerOf = (d: Required<V1Deployment>) => podOf(d).containers[0] as V1Container;

describe('a service Deployment', () => {
  it("runs the seed's replica count for each service", () => {
    const replicas = Object.fromEntries(
      ['auth', 'user', 'document', 'notification', 'search', 'export', 'audit'].map((s) => [
        s,
        deploymentOf(s).spec.replicas,
      ]),
    );
    expect(replicas).toEqual({
      auth: 3,
      user: 2,
      document: 4,
      notification: 2,
      search: 3,
      export: 2,
      audit: 2,
    });
  });

  it('leaves replicas to the autoscaler when autoscaling is set', () => {
    expect(deploymentOf('document', undefined, 'platform-full').spec.replicas).toBeUndefined();
  });

  it('passes the PodSecurity restricted profile: non-root, no escalation, no capabilities, RuntimeDefault seccomp, read-only root', () => {
    for (const service of ['auth', 'document', 'search']) {
      const d = deploymentOf(service);
      const pod = podOf(d);
      expect(pod.securityContext).toMatchObject({
        runAsNonRoot: true,
        seccompProfile: { type: 'RuntimeDefault' },
      });
      expect(pod.securityContext?.runAsUser).toBeGreaterThan(0);
      expect(containerOf(d).securityContext).toEqual({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ['ALL'] },
      });
      for (const volume of pod.volumes ?? []) {
        expect(Object.keys(volume).filter((k) => k !== 'name')).toEqual([
          expect.stringMatching(/^(secret|emptyDir|projected|configMap)$/),
        ]);
      }
      expect(pod.automountServiceAccountToken).toBe(false);
    }
  });

  it("has requests and limits, and probes on the kit's ops paths", () => {
    const c = containerOf(deploymentOf('auth'));
    expect(c.resources).toEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } });
    expect(c.livenessProbe?.httpGet).toMatchObject({ path: servicePaths.liveness, port: 'ops' });
    expect(c.readinessProbe?.httpGet).toMatchObject({ path: servicePaths.readiness, port: 'ops' });
    expect(c.startupProbe?.httpGet).toMatchObject({ path: servicePaths.liveness, port: 'ops' });
    expect(c.ports?.map((p) => p.containerPort)).toEqual([8080, 9090]);
  });

  it("gives the pod longer to stop than the kit's shutdown takes, after a pause for endpoints to catch up", () => {
    const d = deploymentOf('auth');
    expect(podOf(d).terminationGracePeriodSeconds).toBe(30);
    expect(containerOf(d).lifecycle?.preStop?.sleep?.seconds).toBe(5);
  });

  it("mounts the service's certificate Secret, optional until it is issued, where the kit reads it", () => {
    const d = deploymentOf('user');
    expect(podOf(d).volumes).toContainEqual({
      name: 'tls',
      secret: { secretName: 'quire-user-tls', optional: true, defaultMode: 0o440 },
    });
    expect(containerOf(d).volumeMounts).toContainEqual({
      name: 'tls',
      mountPath: tlsFiles.dir,
      readOnly: true,
    });
    expect(containerOf(d).envFrom).toEqual([{ configMapRef: { name: 'quire-user-config' } }]);
  });

  it('spreads evenly over every declared zone and keeps to the pools of those zones', () => {
    const pod = podOf(deploymentOf('auth'));
    expect(pod.topologySpreadConstraints?.[0]).toMatchObject({
      topologyKey: 'topology.kubernetes.io/zone',
      maxSkew: 1,
      whenUnsatisfiable: 'DoNotSchedule',
      minDomains: 3,
      labelSelector: {
        matchLabels: { 'app.kubernetes.io/name': 'auth', 'platform.quire.dev/platform': 'quire' },
      },
    });
    const terms =
      pod.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
    expect(terms?.map((t) => t.matchExpressions?.map((e) => `${e.key}=${e.values?.join()}`))).toEqual([
      ['topology.kubernetes.io/zone=zone-a', 'platform.quire.dev/pool=zone-a'],
      ['topology.kubernetes.io/zone=zone-b', 'platform.quire.dev/pool=zone-b'],
      ['topology.kubernetes.io/zone=zone-c', 'platform.quire.dev/pool=zone-c'],
    ]);
  });

  it('only prefers balance, without counting absent zones, when the spec says ScheduleAnyway', () => {
    const pod = podOf(
      deploymentOf(
        'auth',
        (m) => (m.spec.topology = { spread: { whenUnsatisfiable: 'ScheduleAnyway', acrossNodes: false } }),
      ),
    );
    expect(pod.topologySpreadConstraints).toHaveLength(1);
    expect(pod.topologySpreadConstraints?.[0]?.minDomains).toBeUndefined();
  });

  it('runs <imageRegistry>/<service>:<version> unless the service overrides its image', () => {
    expect(containerOf(deploymentOf('auth', undefined, 'platform-full')).image).toBe(
      'registry.example.com/quire/auth:1.4.2',
    );
    expect(containerOf(deploymentOf('search', undefined, 'platform-full')).image).toBe(
      'registry.example.com/quire/search:1.4.2-hotfix.1',
    );
  });

  it('rolls its pods when a setting changes, and only then', () => {
    const checksum = (d: Required<V1Deployment>) =>
      d.spec.template.metadata?.annotations?.[configChecksumAnnotation];
    const before = deploymentOf('user');
    const relogged = deploymentOf('user', (m) => (m.spec.observability = { logLevel: 'debug' }));
    const rescaled = deploymentOf('user', (m) => (m.spec.services = { user: { replicas: 5 } }));
    expect(checksum(relogged)).not.toBe(checksum(before));
    expect(rescaled.spec.template).toEqual(before.spec.template);
  });
});
