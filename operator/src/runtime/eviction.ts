/**
 * Evicting a pod through the Eviction API (policy/v1) rather than deleting it, so the API server
 * checks the PodDisruptionBudgets first: a budget that allows no disruption now answers 429, and the
 * caller tries again later, as `kubectl drain` does.
 */
import { type ApiClient, ApiError, isNotFound } from './api-client.js';
import { kinds, type ObjectKey, resourcePath } from './resource-kind.js';

export type EvictionOutcome =
  | { result: 'evicted' }
  /** A PodDisruptionBudget allows no disruption now (HTTP 429); the message says which. */
  | { result: 'blocked'; message: string }
  /** The pod no longer exists. */
  | { result: 'gone' };

/** Evicts one pod; throws ApiError for any refusal other than a budget's or a missing pod. */
export async function evictPod(client: ApiClient, key: ObjectKey): Promise<EvictionOutcome> {
  try {
    await client.request('POST', resourcePath(kinds.pod, { ...key, subresource: 'eviction' }), {
      body: {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name: key.name, namespace: key.namespace },
      },
    });
    return { result: 'evicted' };
  } catch (error) {
    if (error instanceof ApiError && error.code === 429) return { result: 'blocked', message: error.message };
    if (isNotFound(error)) return { result: 'gone' };
    throw error;
  }
}
