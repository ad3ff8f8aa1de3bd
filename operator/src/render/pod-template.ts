/**
 * The pod of one service: secure by default (it passes the PodSecurity `restricted` profile), sized,
 * probed on the kit's ops paths, spread evenly over the Platform's zones and confined to their node
 * pools, with its certificate and settings mounted where the kit expects them.
 */
import type {
  V1NodeSelectorTerm,
  V1PodSecurityContext,
  V1PodTemplateSpec,
  V1SecurityContext,
  V1TopologySpreadConstraint,
  V1Volume,
} from '@kubernetes/client-node';
import { defaultPorts, type ServiceName, servicePaths, tlsFiles } from '@quire/kit/catalogue';
import type { WorkloadName } from '../api/index.js';
import { configChecksumAnnotation } from './config-map.js';
import { selectorLabels, serviceLabels } from './labels.js';
import { configMapName, serviceObjectName, tlsSecretName } from './names.js';
import type { RenderContext } from './render-context.js';
import { type ServiceSettings, shutdownTimeoutSeconds, storeCaDir } from './service-settings.js';

/** An unprivileged uid and gid that no image's files belong to by accident (the distroless `nonroot` ids). */
export const podUser = 65532;

/**
 * Seconds the pod keeps serving after it is told to stop, before the kit's shutdown starts: long
 * enough for endpoints and the gateway to stop sending it new requests.
 */
export const preStopSleepSeconds = 5;

/** The image of a service: its override, or `<imageRegistry>/<service>:<version>`. */
export function imageOf(ctx: RenderContext, service: ServiceName): string {
  const { spec } = ctx.platform;
  return spec.services[service].image ?? `${spec.imageRegistry}/${service}:${spec.version}`;
}

/** One node selector term per zone (terms are ORed): the zone's label and, when named, its pool's. */
export function zoneTerms(ctx: RenderContext): V1NodeSelectorTerm[] {
  const { topology } = ctx.platform.spec;
  return topology.zones.map((zone) => ({
    matchExpressions: [
      { key: topology.zoneLabelKey, operator: 'In', values: [zone.name] },
      ...(zone.pool ? [{ key: topology.poolLabelKey, operator: 'In', values: [zone.pool] }] : []),
    ],
  }));
}

/** Even spread of one workload's pods over the Platform's zones (and, when asked, its nodes). */
export function spreadConstraints(ctx: RenderContext, service: WorkloadName): V1TopologySpreadConstraint[] {
  const { topology } = ctx.platform.spec;
  const labelSelector = { matchLabels: selectorLabels(ctx.name, service) };
  // Each ReplicaSet spreads on its own, so a rollout's new pods are balanced whatever the old ones did.
  const matchLabelKeys = ['pod-template-hash'];
  const strict = topology.spread.whenUnsatisfiable === 'DoNotSchedule';
  return [
    {
      topologyKey: topology.zoneLabelKey,
      maxSkew: topology.spread.maxSkew,
      whenUnsatisfiable: topology.spread.whenUnsatisfiable,
      labelSelector,
      matchLabelKeys,
      // With every declared zone counted as a domain, a zone whose nodes are gone keeps its share
      // Pending (and visible) instead of the other zones silently absorbing it.
      ...(strict ? { minDomains: topology.zones.length } : {}),
    },
    ...(topology.spread.acrossNodes
      ? [
          {
            topologyKey: 'kubernetes.io/hostname',
            maxSkew: 1,
            whenUnsatisfiable: 'ScheduleAnyway',
            labelSelector,
            matchLabelKeys,
          },
        ]
      : []),
  ];
}

/** The pod side of the PodSecurity `restricted` profile, running as `user` (uid and gid). */
export function podSecurityContext(user: number): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: user,
    runAsGroup: user,
    fsGroup: user,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container side of the `restricted` profile, with a read-only root filesystem on top. */
export function containerSecurityContext(): V1SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}

function volumes(ctx: RenderContext, service: ServiceName, settings: ServiceSettings): V1Volume[] {
  return [
    // Optional, so pods start before the certificates phase has issued it; the kit waits for the files.
    {
      name: 'tls',
      secret: { secretName: tlsSecretName(ctx.name, service), optional: true, defaultMode: 0o440 },
    },
    // The root filesystem is read-only; /tmp is the one writable place.
    { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
    ...(settings.caFiles.length > 0
      ? [
          {
            name: 'store-ca',
            projected: {
              defaultMode: 0o440,
              sources: settings.caFiles.map((f) => ({
                secret: { name: f.secret, items: [{ key: f.key, path: f.path }] },
              })),
            },
          },
        ]
      : []),
  ];
}

/** The pod template of a service's Deployment; `checksum` is its settings' fingerprint. */
export function buildPodTemplate(
  ctx: RenderContext,
  service: ServiceName,
  settings: ServiceSettings,
  checksum: string,
): V1PodTemplateSpec {
  const { spec } = ctx.platform;
  const { resources } = spec.services[service];
  const probe = (path: string) => ({ httpGet: { path, port: 'ops', scheme: 'HTTP' } });
  return {
    metadata: {
      labels: serviceLabels(ctx.name, service, spec.version),
      annotations: { [configChecksumAnnotation]: checksum },
    },
    spec: {
      serviceAccountName: serviceObjectName(ctx.name, service),
      // The services never call the Kubernetes API, so they get no token to leak.
      automountServiceAccountToken: false,
      // Service links would add variables such as QUIRE_AUTH_PORT for a Platform named quire.
      enableServiceLinks: false,
      terminationGracePeriodSeconds: preStopSleepSeconds + shutdownTimeoutSeconds + 5,
      securityContext: podSecurityContext(podUser),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: zoneTerms(ctx) },
        },
      },
      topologySpreadConstraints: spreadConstraints(ctx, service),
      containers: [
        {
          name: service,
          image: imageOf(ctx, service),
          imagePullPolicy: 'IfNotPresent',
          ports: [
            { name: 'https', containerPort: defaultPorts.http, protocol: 'TCP' },
            { name: 'ops', containerPort: defaultPorts.ops, protocol: 'TCP' },
          ],
          envFrom: [{ configMapRef: { name: configMapName(ctx.name, service) } }],
          ...(settings.env.length > 0 ? { env: settings.env } : {}),
          resources: {
            requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
            limits: {
              memory: resources.limits.memory,
              ...(resources.limits.cpu ? { cpu: resources.limits.cpu } : {}),
            },
          },
          // Generous start-up (two minutes), then quick to notice a wedged process or a lost dependency.
          startupProbe: {
            ...probe(servicePaths.liveness),
            periodSeconds: 2,
            failureThreshold: 60,
            timeoutSeconds: 2,
          },
          livenessProbe: {
            ...probe(servicePaths.liveness),
            periodSeconds: 10,
            failureThreshold: 3,
            timeoutSeconds: 2,
          },
          readinessProbe: {
            ...probe(servicePaths.readiness),
            periodSeconds: 5,
            failureThreshold: 2,
            timeoutSeconds: 2,
          },
          lifecycle: { preStop: { sleep: { seconds: preStopSleepSeconds } } },
          securityContext: containerSecurityContext(),
          volumeMounts: [
            { name: 'tls', mountPath: tlsFiles.dir, readOnly: true },
            { name: 'tmp', mountPath: '/tmp' },
            ...(settings.caFiles.length > 0
              ? [{ name: 'store-ca', mountPath: storeCaDir, readOnly: true }]
              : []),
          ],
        },
      ],
      volumes: volumes(ctx, service, settings),
    },
  };
}
