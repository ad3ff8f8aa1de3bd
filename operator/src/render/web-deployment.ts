/**
 * The web app's Deployment: the static build of clients/web served by unprivileged nginx
 * (clients/web/Dockerfile, clients/web/nginx.conf). Placed like the services (even spread over the
 * zones, confined to their pools), secured like them (the `restricted` profile and a read-only root
 * filesystem), but with nothing of theirs it does not need: no certificate, no settings, no ops port.
 */
import type { V1Deployment, V1PodTemplateSpec, V1Probe } from '@kubernetes/client-node';
import { webAppName } from '../api/index.js';
import { selectorLabels, serviceLabels } from './labels.js';
import { serviceObjectName } from './names.js';
import {
  containerSecurityContext,
  podSecurityContext,
  preStopSleepSeconds,
  spreadConstraints,
  zoneTerms,
} from './pod-template.js';
import type { RenderContext } from './render-context.js';

/** The port nginx-unprivileged listens on (clients/web/nginx.conf), and the web Service's port. */
export const webPort = 8080;

/** nginx.conf's health location: answered by nginx itself, so it says the server is up and serving. */
export const webHealthPath = '/healthz';

/**
 * The nginx-unprivileged image's own user (uid and gid 101, `USER 101` in clients/web/Dockerfile):
 * the files it serves belong to it, and the writable folders below are given to it through fsGroup.
 */
export const webUser = 101;

/**
 * Where nginx writes, each an emptyDir since the root filesystem is read-only. nginx-unprivileged's
 * configuration puts its pid and temp files in /tmp; nginx's compiled-in defaults (/var/cache/nginx
 * for temp files, /var/run for the pid) are writable too, so a configuration that leaves them unset
 * still starts.
 */
export const webWritablePaths = { tmp: '/tmp', cache: '/var/cache/nginx', run: '/var/run' } as const;

/** nginx stops gracefully on SIGQUIT (the image's STOPSIGNAL) within seconds for static files. */
const nginxQuitSeconds = 10;

/** The image of the web app: its override, or `<imageRegistry>/web:<version>` like a service's. */
export function webImageOf(ctx: RenderContext): string {
  const { spec } = ctx.platform;
  return spec.web.image ?? `${spec.imageRegistry}/${webAppName}:${spec.version}`;
}

function webPodTemplate(ctx: RenderContext): V1PodTemplateSpec {
  const { spec } = ctx.platform;
  const { resources } = spec.web;
  const probe: V1Probe = {
    httpGet: { path: webHealthPath, port: 'http', scheme: 'HTTP' },
    timeoutSeconds: 2,
  };
  return {
    metadata: { labels: serviceLabels(ctx.name, webAppName, spec.version) },
    spec: {
      serviceAccountName: serviceObjectName(ctx.name, webAppName),
      // nginx never calls the Kubernetes API.
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: preStopSleepSeconds + nginxQuitSeconds + 5,
      securityContext: podSecurityContext(webUser),
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: zoneTerms(ctx) },
        },
      },
      topologySpreadConstraints: spreadConstraints(ctx, webAppName),
      containers: [
        {
          name: webAppName,
          image: webImageOf(ctx),
          imagePullPolicy: 'IfNotPresent',
          ports: [{ name: 'http', containerPort: webPort, protocol: 'TCP' }],
          resources: {
            requests: { cpu: resources.requests.cpu, memory: resources.requests.memory },
            limits: {
              memory: resources.limits.memory,
              ...(resources.limits.cpu ? { cpu: resources.limits.cpu } : {}),
            },
          },
          // nginx starts in well under a second; a pod that does not answer in 30 s will not.
          startupProbe: { ...probe, periodSeconds: 1, failureThreshold: 30 },
          livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 3 },
          readinessProbe: { ...probe, periodSeconds: 5, failureThreshold: 2 },
          // As for the services: keep serving while endpoints and the gateway stop sending requests.
          lifecycle: { preStop: { sleep: { seconds: preStopSleepSeconds } } },
          securityContext: containerSecurityContext(),
          volumeMounts: Object.entries(webWritablePaths).map(([name, mountPath]) => ({ name, mountPath })),
        },
      ],
      volumes: [
        { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'cache', emptyDir: { sizeLimit: '64Mi' } },
        { name: 'run', emptyDir: { sizeLimit: '1Mi' } },
      ],
    },
  };
}

/** The web app's Deployment. */
export function buildWebDeployment(ctx: RenderContext): V1Deployment {
  const { spec } = ctx.platform;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: serviceObjectName(ctx.name, webAppName),
      namespace: ctx.namespace,
      labels: serviceLabels(ctx.name, webAppName, spec.version),
    },
    spec: {
      replicas: spec.web.replicas,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorLabels(ctx.name, webAppName) },
      // As for the services: a new pod is ready before an old one goes.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
      template: webPodTemplate(ctx),
    },
  };
}
