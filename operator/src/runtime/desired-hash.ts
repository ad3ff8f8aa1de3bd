/**
 * A fingerprint of the desired state of an object: SHA-256 over its canonical JSON (keys sorted at
 * every depth), so the same desired object always hashes the same whatever order its fields were
 * built in. The applier stores it in an annotation and skips sending an object whose hash and live
 * state have not changed since it last applied it.
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from './resource-kind.js';

/** The annotation holding the hash of the desired state last applied. */
export const desiredHashAnnotation = 'platform.quire.dev/desired-hash';

/** JSON with object keys sorted at every depth; `undefined` fields are left out, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The hash of a desired object, ignoring its own hash annotation. */
export function desiredHash(object: KubeObject): string {
  const annotations = { ...object.metadata.annotations };
  delete annotations[desiredHashAnnotation];
  const metadata = {
    ...object.metadata,
    annotations: Object.keys(annotations).length ? annotations : undefined,
  };
  return createHash('sha256')
    .update(canonicalJson({ ...object, metadata }))
    .digest('hex')
    .slice(0, 32);
}
