import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { platformCrd } from './crd.js';
import { type StructuralSchema, toStructuralSchema } from './structural-schema.js';

/** A problem the API server would have with a schema node, with the node's path. */
function structuralProblems(node: StructuralSchema, path = 'openAPIV3Schema'): string[] {
  const raw = node as Record<string, unknown>;
  const problems: string[] = [];
  if (
    node.type === undefined &&
    !node['x-kubernetes-int-or-string'] &&
    !node['x-kubernetes-preserve-unknown-fields']
  ) {
    problems.push(`${path}: has no type`);
  }
  for (const key of ['$ref', '$schema', '$defs', 'oneOf', 'allOf', 'not', 'const', 'propertyNames']) {
    if (key in raw) problems.push(`${path}: has ${key}`);
  }
  if (Array.isArray(raw.anyOf) && raw.anyOf.some((s) => typeof s === 'object' && s !== null && 'type' in s)) {
    problems.push(`${path}: has anyOf with types`);
  }
  if (Array.isArray(raw.type)) problems.push(`${path}: has a union of types`);
  if (raw.additionalProperties === false) problems.push(`${path}: has additionalProperties: false`);
  if (node.properties && node.additionalProperties)
    problems.push(`${path}: has properties and additionalProperties`);
  if (node.type === 'array' && !node.items) problems.push(`${path}: is an array without items`);
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    problems.push(...structuralProblems(child, `${path}.${name}`));
  }
  if (node.items) problems.push(...structuralProblems(node.items, `${path}[]`));
  if (node.additionalProperties) problems.push(...structuralProblems(node.additionalProperties, `${path}.*`));
  return problems;
}

/** Every node below `node`, with its path. */
function* walk(node: StructuralSchema, path: string): Generator<[string, StructuralSchema]> {
  yield [path, node];
  for (const [name, child] of Object.entries(node.properties ?? {})) yield* walk(child, `${path}.${name}`);
  if (node.items) yield* walk(node.items, `${path}[]`);
  if (node.additionalProperties) yield* walk(node.additionalProperties, `${path}.*`);
}

const crdSchema = platformCrd().spec.versions[0]?.schema.openAPIV3Schema as StructuralSchema;
const nodes = [...walk(crdSchema, 'openAPIV3Schema')];

describe('the generated CRD schema', () => {
  it('is structural: every node typed, no references, unions or closed objects', () => {
    expect(structuralProblems(crdSchema)).toEqual([]);
  });

  it('describes every field, so kubectl explain documents the whole API', () => {
    const undescribed = nodes
      .filter(([path, node]) => !path.endsWith('.metadata') && !path.endsWith('.*') && !node.description)
      .map(([path]) => path);
    expect(undescribed).toEqual([]);
  });

  it('bounds every string, list and map, so CEL cost estimates stay within budget', () => {
    const unbounded = nodes
      .filter(([path]) => path.includes('.spec'))
      .filter(
        ([, node]) =>
          (node.type === 'string' && node.maxLength === undefined && node.enum === undefined) ||
          (node.type === 'array' && node.maxItems === undefined) ||
          (node.type === 'object' &&
            node.additionalProperties !== undefined &&
            node.maxProperties === undefined),
      )
      .map(([path]) => path);
    expect(unbounded).toEqual([]);
  });

  it('says in words what every rule allows, naming the field', () => {
    for (const [path, node] of nodes) {
      for (const validation of node['x-kubernetes-validations'] ?? []) {
        expect(validation.message, `${path}: ${validation.rule}`).toMatch(/^(spec|metadata)\.[A-Za-z]/);
      }
    }
  });

  it('keys lists of named things by name, so server-side apply merges them item by item', () => {
    const lists = Object.fromEntries(
      nodes
        .filter(([, node]) => node['x-kubernetes-list-type'] === 'map')
        .map(([path, node]) => [path, node['x-kubernetes-list-map-keys']]),
    );
    expect(lists).toMatchObject({
      'openAPIV3Schema.spec.topology.zones': ['name'],
      'openAPIV3Schema.spec.kafka.topics': ['name'],
      'openAPIV3Schema.status.conditions': ['type'],
      'openAPIV3Schema.status.services': ['name'],
    });
  });

  it('gives optional objects a complete default, so the API server fills in an omitted section', () => {
    const services = crdSchema.properties?.spec?.properties?.services;
    expect(services?.default).toMatchObject({ auth: { replicas: 3 }, document: { replicas: 4 } });
    expect(services?.properties?.auth?.default).toEqual({
      replicas: 3,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    });
  });
});

describe('toStructuralSchema', () => {
  const convert = (schema: z.ZodType) => toStructuralSchema(z.toJSONSchema(schema, { io: 'input' }));

  it('turns a nullable value into its type with nullable: true', () => {
    expect(convert(z.object({ a: z.string().nullable() }).meta({ description: 'x' }))).toEqual({
      description: 'x',
      type: 'object',
      properties: { a: { type: 'string', nullable: true } },
      required: ['a'],
    });
  });

  it('drops the JSON Schema dialect, closed-object markers and the safe-integer bounds zod adds', () => {
    expect(convert(z.strictObject({ n: z.int() }))).toEqual({
      type: 'object',
      properties: { n: { type: 'integer' } },
      required: ['n'],
    });
  });

  it('keeps maps as additionalProperties and literals as one-value enums', () => {
    expect(convert(z.object({ m: z.record(z.string(), z.string()), k: z.literal('Platform') }))).toEqual({
      type: 'object',
      properties: {
        m: { type: 'object', additionalProperties: { type: 'string' } },
        k: { type: 'string', enum: ['Platform'] },
      },
      required: ['m', 'k'],
    });
  });

  it('keeps defaults and leaves defaulted fields out of required', () => {
    expect(convert(z.object({ r: z.int().min(0).max(9).default(3) }))).toEqual({
      type: 'object',
      properties: { r: { type: 'integer', default: 3, minimum: 0, maximum: 9 } },
    });
  });

  it("fills an object's default with the defaults of its fields, which CEL rules on the object read", () => {
    const schema = z.object({
      outer: z.object({ inner: z.object({ n: z.int().default(2) }).prefault({}) }).prefault({}),
    });
    expect(convert(schema).properties?.outer?.default).toEqual({ inner: { n: 2 } });
  });

  it('keeps date-time as a format, without the JavaScript-only pattern zod writes for it', () => {
    expect(convert(z.iso.datetime())).toEqual({ type: 'string', format: 'date-time' });
  });

  it('refuses unions it cannot express, naming the path', () => {
    expect(() => convert(z.object({ u: z.union([z.string(), z.int()]) }))).toThrow(/schema\.u.*anyOf/);
  });

  it('refuses keywords it does not know rather than dropping them silently', () => {
    expect(() => toStructuralSchema({ type: 'string', contentEncoding: 'base64' })).toThrow(
      /contentEncoding/,
    );
  });
});
