import { type ServiceName, serviceCatalogue, serviceNames } from '@quire/kit/catalogue';
import { z } from 'zod';
import { admit, formatted, type StringFormat } from './admission-rules.js';
import { quantity, quantityValue } from './spec-common.js';

/** An image tag, which is what the Platform's `version` is. */
export const imageTag: StringFormat = {
  pattern: /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/,
  maxLength: 128,
  allowed: "an image tag: up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'",
};

/** A registry host (with optional port) and path, to which `/<service>:<version>` is appended. */
export const imageRegistry: StringFormat = {
  pattern: /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/,
  maxLength: 255,
  allowed:
    "a lowercase registry host with optional port and path, without tag or trailing '/', e.g. 'ghcr.io/quire-dev'",
};

/** A full image reference with a tag or digest, as per-workload image overrides are written. */
export const imageReference: StringFormat = {
  pattern:
    /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}(@sha256:[a-f0-9]{64})?|@sha256:[a-f0-9]{64})$/,
  maxLength: 512,
  allowed:
    "a full image reference with a tag or a digest, e.g. 'ghcr.io/quire-dev/auth:1.4.2-hotfix' or 'ghcr.io/quire-dev/auth@sha256:<64 hex digits>'",
};

/** What a pod asks for when the Platform does not say. */
export interface ResourceDefaults {
  readonly requestsCpu: string;
  readonly requestsMemory: string;
  readonly limitsMemory: string;
}

/** The seed's sizes for a Node.js service. */
const serviceResourceDefaults: ResourceDefaults = {
  requestsCpu: '100m',
  requestsMemory: '128Mi',
  limitsMemory: '256Mi',
};

/** Requests and limits of each pod of one workload, with `defaults` where the Platform says nothing. */
export function podResources(field: string, defaults: ResourceDefaults, description: string) {
  const amount = (name: string, description: string) => formatted(quantity, `${field}.${name}`, description);
  const requests = admit(
    z.object({
      cpu: amount('requests.cpu', 'CPU the scheduler reserves for each pod.').default(defaults.requestsCpu),
      memory: amount('requests.memory', 'Memory the scheduler reserves for each pod.').default(
        defaults.requestsMemory,
      ),
    }),
    'What the scheduler reserves for each pod.',
  ).prefault({});
  const limits = admit(
    z.object({
      cpu: amount('limits.cpu', 'CPU ceiling for each pod; unset by default, so pods may burst.').optional(),
      memory: amount('limits.memory', 'Memory ceiling for each pod; a pod above it is restarted.').default(
        defaults.limitsMemory,
      ),
    }),
    'Ceilings for each pod.',
  ).prefault({});
  return admit(z.object({ requests, limits }), description, [
    {
      rule: '!has(self.limits.cpu) || !isQuantity(self.requests.cpu) || !isQuantity(self.limits.cpu) || quantity(self.requests.cpu).compareTo(quantity(self.limits.cpu)) <= 0',
      message: `${field}.requests.cpu must not exceed ${field}.limits.cpu`,
      check: (self) =>
        self.limits.cpu === undefined || quantityValue(self.requests.cpu) <= quantityValue(self.limits.cpu),
      fieldPath: '.requests.cpu',
    },
    {
      rule: '!isQuantity(self.requests.memory) || !isQuantity(self.limits.memory) || quantity(self.requests.memory).compareTo(quantity(self.limits.memory)) <= 0',
      message: `${field}.requests.memory must not exceed ${field}.limits.memory`,
      check: (self) => quantityValue(self.requests.memory) <= quantityValue(self.limits.memory),
      fieldPath: '.requests.memory',
    },
  ]).prefault({});
}

function autoscaling(field: string) {
  const bound = z.int().min(1).max(100);
  return admit(
    z.object({
      minReplicas: admit(bound, 'Fewest pods the autoscaler keeps (1-100).'),
      maxReplicas: admit(bound, 'Most pods the autoscaler runs (1-100).'),
      targetCPUUtilizationPercentage: admit(
        z.int().min(1).max(100),
        'Average CPU use, as a percentage of requests, the autoscaler aims for (1-100).',
      ).default(70),
    }),
    'Scale the service with a HorizontalPodAutoscaler between these bounds; when set, `replicas` is ignored.',
    [
      {
        rule: 'self.minReplicas <= self.maxReplicas',
        message: `${field}.autoscaling.minReplicas must not exceed ${field}.autoscaling.maxReplicas`,
        check: (self) => self.minReplicas <= self.maxReplicas,
        fieldPath: '.minReplicas',
      },
    ],
  ).optional();
}

function serviceSpec(name: ServiceName) {
  const field = `spec.services.${name}`;
  const seed = serviceCatalogue[name];
  const role = seed.public ? 'public, routed from the gateway' : 'internal, fed by Kafka';
  return admit(
    z.object({
      replicas: admit(
        z.int().min(0).max(100),
        `Pods to run when autoscaling is not set (0-100); defaults to ${seed.defaultReplicas}, the seed architecture's instance count.`,
      ).default(seed.defaultReplicas),
      image: formatted(
        imageReference,
        `${field}.image`,
        'Full image reference that replaces <imageRegistry>/<service>:<version> for this service only, e.g. for a hotfix build.',
      ).optional(),
      resources: podResources(
        `${field}.resources`,
        serviceResourceDefaults,
        'Compute resources of each pod of the service.',
      ),
      autoscaling: autoscaling(field),
    }),
    `The ${name} service (${role}; owned by ${seed.owner}).`,
  ).prefault({});
}

type ServicesShape = { [N in ServiceName]: ReturnType<typeof serviceSpec> };

/** The seven services, keyed by name; every one has the seed's defaults until overridden. */
export const servicesSpec = admit(
  z.object(Object.fromEntries(serviceNames.map((name) => [name, serviceSpec(name)])) as ServicesShape),
  'The seven services, keyed by name. Each runs <imageRegistry>/<name>:<version> unless its image is overridden.',
).prefault({});
