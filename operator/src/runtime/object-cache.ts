/**
 * The informer's store: objects by `namespace/name`, with managedFields dropped (a fifth or more
 * of an object's size, and never read by a reconciler) and frozen, so a reconciler cannot change the
 * cache by accident; it copies with `structuredClone` before editing.
 */
import { type KubeObject, keyOf, keyString, type ObjectKey } from './resource-kind.js';

/** A copy fit for the cache: without managedFields, deeply frozen. */
export function cacheable<T extends KubeObject>(object: T): T {
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return deepFreeze({ ...object, metadata }) as T;
}

function deepFreeze(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** What replacing the whole content changed. */
export interface ReplaceResult<T> {
  added: T[];
  updated: Array<{ old: T; current: T }>;
  deleted: T[];
}

export class ObjectCache<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();

  get(key: ObjectKey): T | undefined {
    return this.objects.get(keyString(key));
  }

  /** Every object, or those of one namespace. */
  list(namespace?: string): T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => (o.metadata.namespace ?? '') === namespace);
  }

  get size(): number {
    return this.objects.size;
  }

  /** Stores an object (made cacheable) and returns the one it replaced. */
  upsert(object: T): { previous: T | undefined; current: T } {
    const current = cacheable(object);
    const key = keyString(keyOf(current));
    const previous = this.objects.get(key);
    this.objects.set(key, current);
    return { previous, current };
  }

  /** Removes an object; returns what was cached, if anything. */
  delete(key: ObjectKey): T | undefined {
    const k = keyString(key);
    const previous = this.objects.get(k);
    this.objects.delete(k);
    return previous;
  }

  /** Replaces the whole content with a fresh list; unchanged objects (same resourceVersion) are not reported. */
  replace(objects: readonly T[]): ReplaceResult<T> {
    const result: ReplaceResult<T> = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const object of objects) {
      const key = keyString(keyOf(object));
      seen.add(key);
      const old = this.objects.get(key);
      if (old && old.metadata.resourceVersion === object.metadata.resourceVersion) continue;
      const { current } = this.upsert(object);
      if (old) result.updated.push({ old, current });
      else result.added.push(current);
    }
    for (const [key, old] of this.objects) {
      if (seen.has(key)) continue;
      this.objects.delete(key);
      result.deleted.push(old);
    }
    return result;
  }
}
