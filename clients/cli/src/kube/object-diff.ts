/**
 * Comparing Kubernetes objects for `quire diff`: the field paths that differ (lists of named items
 * keyed by name, as strategic merge does, so a reordered list is not a change), unified YAML patches,
 * and the created/changed/removed set between two renderings of the operator's objects.
 */
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import { paint } from '../output/style.js';

/** One field that differs; `before`/`after` are undefined when the field is absent on that side. */
export interface FieldChange {
  path: string;
  before: unknown;
  after: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const named = (v: unknown[]): v is Array<{ name: string }> =>
  v.length > 0 && v.every((x) => isObject(x) && typeof x.name === 'string');

/** Every leaf path where `a` and `b` differ; a whole subtree added or removed is one change. */
export function changedFields(a: unknown, b: unknown, path = ''): FieldChange[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedFields(a[k], b[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (named(a) && named(b)) {
      const keys = [...new Set([...a.map((x) => x.name), ...b.map((x) => x.name)])];
      return keys.flatMap((k) =>
        changedFields(
          a.find((x) => x.name === k),
          b.find((x) => x.name === k),
          `${path}[${k}]`,
        ),
      );
    }
    if (a.length === b.length) return a.flatMap((x, i) => changedFields(x, b[i], `${path}[${i}]`));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, before: a, after: b }];
}

/** A unified diff of two objects as YAML; empty when they are equal. */
export function yamlPatch(before: unknown, after: unknown, label: string): string {
  const text = (o: unknown) => (o === undefined ? '' : stringify(o, { lineWidth: 0, sortMapEntries: true }));
  const a = text(before);
  const b = text(after);
  if (a === b) return '';
  const patch = createTwoFilesPatch(`current/${label}`, `applied/${label}`, a, b, '', '', { context: 3 });
  // Drop the "Index:" and "====" preamble: the ---/+++ lines already name both sides.
  return patch
    .split('\n')
    .filter((l) => !l.startsWith('Index: ') && !/^=+$/.test(l))
    .join('\n')
    .trimEnd();
}

/** Colours a unified patch for a terminal: additions green, removals red, hunks cyan. */
export function colourPatch(patch: string): string {
  return patch
    .split('\n')
    .map((l) => {
      if (l.startsWith('+++') || l.startsWith('---')) return paint('bold', l);
      if (l.startsWith('+')) return paint('green', l);
      if (l.startsWith('-')) return paint('red', l);
      if (l.startsWith('@@')) return paint('cyan', l);
      return l;
    })
    .join('\n');
}

/** Drops what the API server writes about an object rather than what a person asks of it. */
export function withoutServerFields<T extends { metadata?: Record<string, unknown> }>(
  object: T | undefined,
): T | undefined {
  if (!object) return undefined;
  const { status: _status, ...rest } = object as T & { status?: unknown };
  const metadata = { ...(object.metadata ?? {}) };
  for (const key of [
    'managedFields',
    'resourceVersion',
    'generation',
    'uid',
    'creationTimestamp',
    'selfLink',
  ]) {
    delete metadata[key];
  }
  const annotations = metadata.annotations as Record<string, string> | undefined;
  if (annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
    const { 'kubectl.kubernetes.io/last-applied-configuration': _last, ...kept } = annotations;
    metadata.annotations = Object.keys(kept).length ? kept : undefined;
    if (!metadata.annotations) delete metadata.annotations;
  }
  return { ...rest, metadata } as unknown as T;
}

export interface Rendered {
  kind: string;
  object: { metadata: { name?: string; namespace?: string } } & Record<string, unknown>;
}

/** How one of the operator's objects would change. */
export interface ObjectChange {
  kind: string;
  namespace: string | undefined;
  name: string;
  action: 'create' | 'change' | 'remove';
  /** The fields that change (empty for create and remove: the whole object). */
  fields: string[];
  patch: string;
}

/** What differs between the objects rendered from the current spec and from the new one. */
export function diffRendered(before: readonly Rendered[], after: readonly Rendered[]): ObjectChange[] {
  const key = (r: Rendered) =>
    `${r.kind}/${r.object.metadata.namespace ?? ''}/${r.object.metadata.name ?? ''}`;
  const old = new Map(before.map((r) => [key(r), r]));
  const now = new Map(after.map((r) => [key(r), r]));
  const changes: ObjectChange[] = [];
  for (const [k, r] of [...now, ...[...old].filter(([k]) => !now.has(k))]) {
    const was = old.get(k)?.object;
    const will = now.get(k)?.object;
    const fields = was && will ? changedFields(was, will).map((f) => f.path) : [];
    if (was && will && fields.length === 0) continue;
    const action = !was ? 'create' : !will ? 'remove' : 'change';
    const name = r.object.metadata.name ?? '';
    changes.push({
      kind: r.kind,
      namespace: r.object.metadata.namespace,
      name,
      action,
      fields,
      patch: yamlPatch(was, will, `${r.kind}/${name}`),
    });
  }
  return changes;
}
