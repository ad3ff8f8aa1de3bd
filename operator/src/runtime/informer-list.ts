/**
 * The informer's list: every object of a kind, a page at a time so a large cluster never answers
 * with one huge body, read as one snapshot. The resourceVersion of the last page is where a watch
 * can start without missing a change.
 */
import type { ApiClient } from './api-client.js';
import { apiVersionOf, type KubeObject, type ResourceKind, resourcePath } from './resource-kind.js';

/** What an informer lists and then watches: a kind, narrowed by namespace and selectors. */
export interface ListWatchTarget {
  client: ApiClient;
  kind: ResourceKind;
  /** Watch one namespace; all namespaces when omitted. */
  namespace?: string | undefined;
  labelSelector?: string | undefined;
  fieldSelector?: string | undefined;
}

interface ObjectList {
  metadata: { resourceVersion?: string; continue?: string };
  items: KubeObject[];
}

/** Lists every object of the target, following continue tokens; `signal` aborts the page in flight. */
export async function listObjects<T extends KubeObject>(
  target: ListWatchTarget,
  options: { pageSize?: number | undefined; signal: AbortSignal },
): Promise<{ items: T[]; resourceVersion: string | undefined }> {
  const path = resourcePath(target.kind, { namespace: target.namespace });
  const items: T[] = [];
  let continueToken: string | undefined;
  let resourceVersion: string | undefined;
  do {
    const page = await target.client.request<ObjectList>('GET', path, {
      query: {
        limit: options.pageSize ?? 500,
        continue: continueToken,
        labelSelector: target.labelSelector,
        fieldSelector: target.fieldSelector,
      },
      signal: options.signal,
    });
    // Items of a list carry no apiVersion and kind; handlers and the cache expect them.
    for (const item of page.items)
      items.push({ ...item, apiVersion: apiVersionOf(target.kind), kind: target.kind.kind } as T);
    continueToken = page.metadata.continue || undefined;
    resourceVersion = page.metadata.resourceVersion;
  } while (continueToken !== undefined);
  return { items, resourceVersion };
}
