import { z } from 'zod';
import { type AdmissionRule, admit, formatted } from './admission-rules.js';
import { authSpec } from './spec-auth.js';
import { deletionPolicySpec, gatewaySpec, observabilitySpec } from './spec-edges.js';
import { kafkaSpec } from './spec-kafka.js';
import { mtlsSpec } from './spec-mtls.js';
import { imageRegistry, imageTag, servicesSpec } from './spec-services.js';
import { objectStorageSpec, postgresSpec, redisSpec, searchSpec } from './spec-stores.js';
import { topologySpec } from './spec-topology.js';
import { webSpec } from './spec-web.js';
import { statusSchema } from './status.js';

/** The API group, version and kind of the Platform resource, and its names in the API. */
export const platformApi = {
  group: 'platform.quire.dev',
  version: 'v1alpha1',
  kind: 'Platform',
  listKind: 'PlatformList',
  plural: 'platforms',
  singular: 'platform',
  shortNames: ['qp'],
  categories: ['quire'],
} as const;

/** `apiVersion` as it appears in manifests. */
export const platformApiVersion = `${platformApi.group}/${platformApi.version}` as const;

/** Longest Platform name: objects are named `<platform>-<service>…` and must stay within 63 characters. */
export const maxPlatformNameLength = 40;

/** The rule on metadata.name, enforced at the root of the CRD schema (where CEL may read metadata). */
export const platformNameRule: AdmissionRule<{ metadata: { name?: string | undefined } }> = {
  rule: `self.metadata.name.size() <= ${maxPlatformNameLength} && self.metadata.name.matches('^[a-z]([-a-z0-9]*[a-z0-9])?$')`,
  message: `metadata.name must be at most ${maxPlatformNameLength} lowercase letters, digits and '-', starting with a letter, so the names of the objects derived from it stay valid`,
  check: (self) =>
    self.metadata.name === undefined ||
    (self.metadata.name.length <= maxPlatformNameLength &&
      /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(self.metadata.name)),
  fieldPath: '.metadata.name',
};

/** What a Platform declares: one resource describing the whole platform. */
export const platformSpecSchema = admit(
  z.object({
    version: formatted(
      imageTag,
      'spec.version',
      'Platform version: the image tag every service runs unless its image is overridden. Changing it rolls out the new version.',
    ),
    imageRegistry: formatted(
      imageRegistry,
      'spec.imageRegistry',
      'Registry and path the service images come from, as <imageRegistry>/<service>:<version>.',
    ).default('ghcr.io/quire-dev'),
    paused: admit(
      z.boolean(),
      'Stop reconciling: while true the operator changes nothing and reports ReconciliationPaused=True.',
    ).default(false),
    services: servicesSpec,
    web: webSpec,
    auth: authSpec,
    topology: topologySpec,
    mtls: mtlsSpec,
    kafka: kafkaSpec,
    postgres: postgresSpec,
    redis: redisSpec,
    objectStorage: objectStorageSpec,
    search: searchSpec,
    observability: observabilitySpec,
    gateway: gatewaySpec.optional(),
    deletionPolicy: deletionPolicySpec,
  }),
  'The desired state of the whole platform: versions, services, the web app, the first admin, topology, mTLS, backing stores and routing.',
);

/** The Platform resource as the API server stores it; unknown metadata passes through untouched. */
export const platformSchema = admit(
  z.object({
    apiVersion: z.literal(platformApiVersion),
    kind: z.literal(platformApi.kind),
    metadata: z.looseObject({
      name: z.string().optional(),
      namespace: z.string().optional(),
      generation: z.int().optional(),
    }),
    spec: platformSpecSchema,
    status: statusSchema.optional(),
  }),
  'A Quire platform: seven services and the web app, their certificates, topics and schemas, reconciled by the Quire operator.',
  [platformNameRule],
);

/** A Platform with every default filled in, as the operator works with it. */
export type Platform = z.output<typeof platformSchema>;
/** A Platform as a person may write it: fields with defaults are optional. */
export type PlatformInput = z.input<typeof platformSchema>;
export type PlatformSpec = z.output<typeof platformSpecSchema>;
export type PlatformStatus = z.output<typeof statusSchema>;
