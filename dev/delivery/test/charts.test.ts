// The charts' documentation promises, checked on the files themselves: every values key is explained
// in values.yaml, and values.schema.json knows exactly the keys values.yaml has (so it rejects the rest).

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isPair, isScalar, parseDocument, type YAMLMap } from 'yaml';

const chart = resolve(import.meta.dirname, '..', '..', '..', 'charts', 'quire-operator');

/**
 * Every key path of a values map, with whether a comment precedes it (or trails it on its line).
 * Free-form values (a pod's resources or security context) are one key: their content is Kubernetes'.
 */
function keys(
  map: YAMLMap,
  open: ReadonlySet<string>,
  prefix = '',
  inherited?: string,
): Array<{ path: string; commented: boolean }> {
  const out: Array<{ path: string; commented: boolean }> = [];
  map.items.forEach((pair, index) => {
    if (!isPair(pair) || !isScalar(pair.key)) return;
    const path = `${prefix}${String(pair.key.value)}`;
    // The first key's comment belongs to the map itself in the yaml package's model.
    const before = pair.key.commentBefore ?? (index === 0 ? inherited : undefined);
    const trailing = isScalar(pair.value) ? pair.value.comment : undefined;
    out.push({ path, commented: Boolean(before ?? trailing) });
    if (isMap(pair.value) && !open.has(path)) {
      out.push(...keys(pair.value, open, `${path}.`, pair.value.commentBefore ?? undefined));
    }
  });
  return out;
}

type Schema = { type?: string; properties?: Record<string, Schema>; additionalProperties?: unknown };

/** The key paths whose schema is a free-form object. */
function openKeys(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) =>
    child.additionalProperties === false
      ? openKeys(child, `${prefix}${key}.`)
      : child.type === 'object'
        ? [`${prefix}${key}`]
        : [],
  );
}

/** The key paths a JSON schema declares, down to objects whose properties it leaves open. */
function schemaKeys(schema: Schema, prefix = ''): string[] {
  return Object.entries(schema.properties ?? {}).flatMap(([key, child]) => [
    `${prefix}${key}`,
    ...(child.additionalProperties === false ? schemaKeys(child, `${prefix}${key}.`) : []),
  ]);
}

describe('the quire-operator chart values', () => {
  const document = parseDocument(readFileSync(join(chart, 'values.yaml'), 'utf8'));
  const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')) as Schema;
  const values = keys(
    document.contents as YAMLMap,
    new Set(openKeys(schema)),
    '',
    document.commentBefore ?? undefined,
  );

  it('explains every key in values.yaml with a comment', () => {
    expect(values.filter((k) => !k.commented).map((k) => k.path)).toEqual([]);
  });

  it('has a schema that declares every key of values.yaml and closes every object it describes', () => {
    const declared = new Set(schemaKeys(schema));
    const missing = values.map((k) => k.path).filter((path) => !declared.has(path));
    expect(missing).toEqual([]);
    expect(schema.additionalProperties).toBe(false);
  });

  it('declares no key that values.yaml does not document', () => {
    const documented = new Set(values.map((k) => k.path));
    const extra = schemaKeys(schema).filter((path) => !documented.has(path) && path !== 'global');
    expect(extra).toEqual([]);
  });
});
