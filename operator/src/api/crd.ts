import { z } from 'zod';
import { platformApi, platformNameRule, platformSpecSchema } from './platform-schema.js';
import { statusSchema } from './status.js';
import { type StructuralSchema, toStructuralSchema } from './structural-schema.js';

const readyCondition = '.status.conditions[?(@.type=="Ready")]';

/** The columns `kubectl get platforms` shows. */
const printerColumns = [
  {
    name: 'Ready',
    type: 'string',
    jsonPath: `${readyCondition}.status`,
    description: 'Whether the platform is ready for the current generation.',
  },
  { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'The platform version.' },
  {
    name: 'Services',
    type: 'string',
    jsonPath: '.status.servicesReady',
    description:
      'Workloads (the services and, when enabled, the web app) with all replicas ready, out of all.',
  },
  { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' },
  {
    name: 'Message',
    type: 'string',
    jsonPath: `${readyCondition}.message`,
    description: 'Why the platform is or is not ready.',
  },
];

/**
 * The status schema with defaults the API server applies when it reads a Platform the operator has
 * not written status to yet: `observedGeneration: 0`, behind any `metadata.generation`. Without it a
 * new Platform has no status at all, which Flux's kstatus reads as Current (ready) until the
 * operator's first write; with it, kstatus and Argo CD both see it in progress (docs/gitops.md).
 * Only the CRD carries the default; the operator's zod schema keeps the field optional.
 */
function unobservedStatus(status: StructuralSchema): StructuralSchema {
  const observed = status.properties?.observedGeneration;
  if (!observed) throw new Error('The status schema has no observedGeneration to default');
  return {
    ...status,
    default: { observedGeneration: 0 },
    properties: { ...status.properties, observedGeneration: { ...observed, default: 0 } },
  };
}

/** The structural schema of one zod schema, as the API server wants it. */
export function structuralSchemaOf(schema: z.ZodType): StructuralSchema {
  return toStructuralSchema(z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>);
}

/** The Platform CustomResourceDefinition, derived from the zod schemas: the only source of the CRD. */
export function platformCrd() {
  const openAPIV3Schema: StructuralSchema = {
    description:
      'A Quire platform: seven services and the web app, with their certificates, Kafka topics and database schemas, reconciled by the Quire operator from this one resource.',
    type: 'object',
    required: ['spec'],
    properties: {
      apiVersion: {
        description: 'The versioned schema of this representation of an object.',
        type: 'string',
      },
      kind: { description: 'The REST resource this object represents.', type: 'string' },
      metadata: { type: 'object' },
      spec: structuralSchemaOf(platformSpecSchema),
      status: unobservedStatus(structuralSchemaOf(statusSchema)),
    },
    'x-kubernetes-validations': [{ rule: platformNameRule.rule, message: platformNameRule.message }],
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${platformApi.plural}.${platformApi.group}`,
      labels: { 'app.kubernetes.io/name': 'quire', 'app.kubernetes.io/component': 'crd' },
    },
    spec: {
      group: platformApi.group,
      names: {
        kind: platformApi.kind,
        listKind: platformApi.listKind,
        plural: platformApi.plural,
        singular: platformApi.singular,
        shortNames: [...platformApi.shortNames],
        categories: [...platformApi.categories],
      },
      scope: 'Namespaced',
      versions: [
        {
          name: platformApi.version,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          selectableFields: [{ jsonPath: '.spec.version' }],
          schema: { openAPIV3Schema },
        },
      ],
    },
  };
}
