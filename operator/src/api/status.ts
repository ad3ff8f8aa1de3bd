import { serviceNames } from '@quire/kit/catalogue';
import { z } from 'zod';
import { admit } from './admission-rules.js';
import { ConditionStatus } from './conditions.js';
import { webAppName } from './spec-web.js';

// The status is written by the operator only, so its constraints are plain OpenAPI ones (patterns
// included): they guard against operator bugs rather than explain mistakes to a person.

const timestamp = (description: string) => admit(z.iso.datetime(), description);
const count = (description: string) => admit(z.int().min(0).max(10_000), description);

/** One condition, with the fields and constraints of metav1.Condition. */
export const conditionSchema = admit(
  z.object({
    type: admit(
      z
        .string()
        .max(316)
        .regex(
          /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/,
        ),
      'Type of condition in CamelCase, e.g. Ready, WorkloadsReady.',
    ),
    status: admit(z.enum(Object.values(ConditionStatus)), 'True, False or Unknown.'),
    observedGeneration: admit(
      z.int().min(0),
      'The metadata.generation the condition was computed from; older than the current generation means stale.',
    ).optional(),
    lastTransitionTime: timestamp('When the status last changed from one value to another.'),
    reason: admit(
      z
        .string()
        .min(1)
        .max(1024)
        .regex(/^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$/),
      'Why the condition has its status, as a CamelCase word that programs can match on.',
    ),
    message: admit(z.string().max(32768), 'What a person should know, including what to fix.'),
  }),
  'An observation of one aspect of the Platform.',
);

const zoneReadiness = admit(
  z.object({
    zone: admit(z.string().max(63), 'The zone.'),
    desiredReplicas: count('Pods that should run in this zone.'),
    readyReplicas: count('Pods ready in this zone.'),
  }),
  'Replicas of a service in one zone.',
);

/** What `status.services` lists: the seven services, then the web app when it is enabled. */
export const workloadNames = [...serviceNames, webAppName] as const;
/** A service or the web app: what the operator runs a Deployment for. */
export type WorkloadName = (typeof workloadNames)[number];

const serviceReadiness = admit(
  z.object({
    name: admit(z.enum(workloadNames), 'The service, or web for the web app.'),
    image: admit(z.string().max(512), 'Image it runs.').optional(),
    desiredReplicas: count('Pods that should run.'),
    readyReplicas: count('Pods ready.'),
    zones: admit(z.array(zoneReadiness).max(5), {
      description: 'Replicas per zone.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['zone'],
    }).optional(),
  }),
  'Readiness of one service or of the web app.',
);

const certificate = admit(
  z.object({
    name: admit(z.string().max(253), 'The certificate: a service name, or ca for the built-in CA.'),
    secretName: admit(z.string().max(253), 'Secret that holds it.').optional(),
    notAfter: timestamp('When it expires.'),
    renewalTime: timestamp('When the operator will renew it.').optional(),
  }),
  'One certificate the operator manages.',
);

const appliedSchema = admit(
  z.object({
    service: admit(z.enum(serviceNames), 'The service that owns the schema.'),
    schema: admit(z.string().max(63), 'The schema name.'),
    version: admit(z.string().max(256), 'Latest migration applied, e.g. 0007_document_shares.'),
    appliedAt: timestamp('When that migration was applied.').optional(),
  }),
  'Migration state of one schema.',
);

/** What the operator observed and did; only the operator writes it. */
export const statusSchema = admit(
  z.object({
    observedGeneration: admit(
      z.int().min(0),
      'The metadata.generation the operator last reconciled successfully.',
    ).optional(),
    conditions: admit(z.array(conditionSchema).max(32), {
      description: 'The latest observations: Ready, Reconciling, Stalled and one condition per concern.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['type'],
    }).optional(),
    servicesReady: admit(
      z
        .string()
        .max(16)
        .regex(/^[0-9]+\/[0-9]+$/),
      'Workloads (the services and, when enabled, the web app) with all desired replicas ready, out of all, e.g. 8/8.',
    ).optional(),
    services: admit(z.array(serviceReadiness).max(workloadNames.length), {
      description: 'Readiness of each service and, when enabled, of the web app (named web).',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }).optional(),
    certificates: admit(z.array(certificate).max(32), {
      description: 'Expiry and renewal time of each certificate.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['name'],
    }).optional(),
    schemas: admit(z.array(appliedSchema).max(serviceNames.length), {
      description: 'The applied migration version of each schema.',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['service'],
    }).optional(),
  }),
  'What the operator observed and did. Written by the operator only.',
);

/** A condition as the operator writes it. */
export type Condition = z.infer<typeof conditionSchema>;
