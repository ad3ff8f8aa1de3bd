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
      status: structuralSchemaOf(statusSchema),
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
