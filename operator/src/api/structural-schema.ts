/**
 * The OpenAPI v3 subset a CRD accepts: a structural schema (every node typed, no references, no
 * unions), plus the Kubernetes extensions. Only the keys the Platform API uses are modelled.
 */
export interface StructuralSchema {
  description?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  format?: string;
  nullable?: boolean;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  required?: string[];
  properties?: Record<string, StructuralSchema>;
  items?: StructuralSchema;
  additionalProperties?: StructuralSchema;
  'x-kubernetes-validations'?: { rule: string; message: string; fieldPath?: string; reason?: string }[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
}

type JsonSchema = Record<string, unknown>;

// Copied as they are, in this order (which is also the order they appear in the generated YAML).
const copiedKeys = [
  'description',
  'type',
  'format',
  'nullable',
  'enum',
  'default',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'minProperties',
  'maxProperties',
  'required',
  'properties',
  'items',
  'additionalProperties',
  'x-kubernetes-list-type',
  'x-kubernetes-list-map-keys',
  'x-kubernetes-map-type',
  'x-kubernetes-validations',
] as const;

// JSON Schema keys that carry nothing a CRD can use, and are dropped.
const droppedKeys = new Set(['$schema', 'propertyNames']);

// Formats the API server validates; zod's others (e.g. `uri`) are dropped rather than half-enforced.
const keptFormats = new Set(['date-time', 'date', 'int32', 'int64']);

const typeNames = new Set(['object', 'array', 'string', 'integer', 'number', 'boolean']);

function isSchema(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(path: string, problem: string): never {
  throw new Error(`Cannot express ${path} as a structural schema: ${problem}`);
}

/** `{anyOf: [X, {type: 'null'}]}` and `{type: [t, 'null']}` become X (or t) with `nullable: true`. */
function unwrapNullable(node: JsonSchema, path: string): JsonSchema {
  const anyOf = node.anyOf;
  if (Array.isArray(anyOf)) {
    const others = anyOf.filter((s) => !(isSchema(s) && s.type === 'null'));
    const only = others[0];
    if (others.length !== 1 || anyOf.length !== 2 || !isSchema(only)) {
      fail(path, 'anyOf is only supported as "X or null"');
    }
    const { anyOf: _, ...rest } = node;
    return { ...only, ...rest, nullable: true };
  }
  if (Array.isArray(node.type)) {
    const types = node.type.filter((t) => t !== 'null');
    if (types.length !== 1 || node.type.length !== 2)
      fail(path, `a union of types (${node.type.join(', ')})`);
    return { ...node, type: types[0], nullable: true };
  }
  return node;
}

/**
 * Converts the JSON Schema that zod emits (`z.toJSONSchema(schema, { io: 'input' })`) into a
 * structural schema the API server accepts: it drops what CRDs forbid or ignore, rewrites nullable
 * unions, and fails, naming the path, on anything it cannot express rather than dropping it silently.
 */
export function toStructuralSchema(input: JsonSchema, path = 'schema'): StructuralSchema {
  const node = unwrapNullable(input, path);
  for (const key of ['$ref', '$defs', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'patternProperties']) {
    if (key in node) fail(path, `${key} is not allowed`);
  }
  const known = new Set<string>([
    ...copiedKeys,
    'const',
    'exclusiveMinimum',
    'exclusiveMaximum',
    ...droppedKeys,
  ]);
  for (const key of Object.keys(node)) {
    if (!known.has(key)) fail(path, `unsupported keyword ${key}`);
  }
  if (typeof node.type !== 'string' || !typeNames.has(node.type)) fail(path, 'every node needs a type');

  const out: Record<string, unknown> = {};
  for (const key of copiedKeys) {
    const value = node[key];
    if (value === undefined) continue;
    switch (key) {
      case 'properties': {
        if (!isSchema(value)) fail(path, 'properties must be an object');
        out.properties = Object.fromEntries(
          Object.entries(value).map(([name, child]) => {
            if (!isSchema(child)) fail(`${path}.${name}`, 'not a schema');
            return [name, toStructuralSchema(child, `${path}.${name}`)];
          }),
        );
        break;
      }
      case 'items':
        if (!isSchema(value)) fail(path, 'items must be one schema');
        out.items = toStructuralSchema(value, `${path}[]`);
        break;
      case 'additionalProperties':
        // `false` is what zod writes for closed objects; the API server prunes unknown fields anyway,
        // and rejects `additionalProperties: false` next to `properties`.
        if (value === false) break;
        if (!isSchema(value)) fail(path, 'additionalProperties must be false or a schema');
        if (node.properties !== undefined) fail(path, 'properties and additionalProperties together');
        out.additionalProperties = toStructuralSchema(value, `${path}.*`);
        break;
      case 'format':
        if (keptFormats.has(String(value))) out.format = value;
        break;
      case 'pattern':
        // zod writes its own (JavaScript-only) pattern for date-times; the format covers it.
        if (node.format !== 'date-time') out.pattern = value;
        break;
      case 'minimum':
        // zod bounds every integer to the safe range; that is no constraint worth publishing.
        if (value !== Number.MIN_SAFE_INTEGER) out.minimum = value;
        break;
      case 'maximum':
        if (value !== Number.MAX_SAFE_INTEGER) out.maximum = value;
        break;
      case 'required':
        if (Array.isArray(value) && value.length > 0) out.required = value;
        break;
      default:
        out[key] = value;
    }
  }
  if (node.const !== undefined) out.enum = [node.const];
  // JSON Schema 2020-12 writes exclusive bounds as numbers; OpenAPI v3.0 as booleans beside the bound.
  if (typeof node.exclusiveMinimum === 'number')
    Object.assign(out, { minimum: node.exclusiveMinimum, exclusiveMinimum: true });
  if (typeof node.exclusiveMaximum === 'number')
    Object.assign(out, { maximum: node.exclusiveMaximum, exclusiveMaximum: true });
  const result = out as StructuralSchema;
  if (result.type === 'object' && isSchema(result.default))
    result.default = withFieldDefaults(result, result.default);
  return result;
}

/**
 * Fills the defaults of an object's fields into a default of the object (zod's `.prefault({})` gives
 * `{}`). The API server checks an object's CEL rules against its default as written, so `{}` would fail
 * rules that read the fields.
 */
function withFieldDefaults(node: StructuralSchema, value: JsonSchema): JsonSchema {
  const filled: JsonSchema = { ...value };
  for (const [name, child] of Object.entries(node.properties ?? {})) {
    const current = filled[name];
    if (current === undefined && child.default !== undefined) filled[name] = structuredClone(child.default);
    else if (isSchema(current) && child.type === 'object') filled[name] = withFieldDefaults(child, current);
  }
  return filled;
}
