/**
 * How a person takes a topic or a schema out of the operator's hands without losing it: annotations
 * on the Platform listing what is released. A released topic or schema is neither changed nor
 * deleted, whatever the deletion policy says (Strimzi's `strimzi.io/managed: "false"`, for state the
 * Platform holds many of). Removing a name from the annotation hands it back to the operator.
 */
import type { KubeObject } from '../runtime/resource-kind.js';

/** Comma-separated Kafka topic names the operator leaves alone. */
export const releaseTopicsAnnotation = 'platform.quire.dev/release-topics';
/** Comma-separated service names (or schema names) whose schema, role and data the operator leaves alone. */
export const releaseSchemasAnnotation = 'platform.quire.dev/release-schemas';
/**
 * The finalizer that keeps a deleted Platform until its topics and schemas were handled by the
 * deletion policy (kept and reported, or removed).
 */
export const externalStateFinalizer = 'platform.quire.dev/external-state';

function listed(object: KubeObject, annotation: string): Set<string> {
  const value = object.metadata.annotations?.[annotation] ?? '';
  return new Set(
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  );
}

/** The topic names released by annotation. */
export const releasedTopics = (platform: KubeObject): Set<string> =>
  listed(platform, releaseTopicsAnnotation);

/** The service or schema names released by annotation. */
export const releasedSchemas = (platform: KubeObject): Set<string> =>
  listed(platform, releaseSchemasAnnotation);

/** What a cleanup found: whether the finalizer may go, and what a person should know. */
export interface CleanupOutcome {
  readonly done: boolean;
  readonly message: string;
  readonly requeueAfterMs?: number;
}
