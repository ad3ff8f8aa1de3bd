/**
 * Uploads with progress. `fetch` cannot report how much of a request body was sent, so uploads use
 * XMLHttpRequest; the query and answer types still come from the Document API's generated types.
 */
import type { components, operations } from './document.gen.ts';
import { ApiError } from './problem.ts';

export type DocumentView = components['schemas']['Document'];
export type UploadQuery = operations['uploadDocument']['parameters']['query'];

export interface UploadRequest {
  method: 'POST' | 'PUT';
  url: string;
  file: Blob;
  accessToken: string;
  /** The document's ETag for a new version (If-Match). */
  ifMatch?: string;
  /** Called with the fraction sent, 0 to 1. */
  onProgress?: (fraction: number) => void;
  signal?: AbortSignal;
}

/** Builds the query string of an upload from the typed query. */
export function uploadUrl(
  path: string,
  query: Record<string, string | number | string[] | undefined>,
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  return `${path}?${params}`;
}

/** Sends the file as the request body and resolves with the document the service answers. */
export function sendContent(request: UploadRequest): Promise<DocumentView> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(request.method, request.url);
    xhr.setRequestHeader('Authorization', `Bearer ${request.accessToken}`);
    // The service keeps the media type; an unknown one gets its 415 explaining what is accepted.
    xhr.setRequestHeader('Content-Type', request.file.type || 'application/octet-stream');
    if (request.ifMatch) xhr.setRequestHeader('If-Match', request.ifMatch);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) request.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = {};
      }
      if (xhr.status >= 200 && xhr.status < 300) {
        request.onProgress?.(1);
        resolve(body as DocumentView);
      } else reject(new ApiError(xhr.status, body as ApiError['problem']));
    };
    xhr.onerror = () => reject(new ApiError(0, { detail: 'The upload could not reach the server' }));
    xhr.onabort = () => reject(new ApiError(0, { detail: 'The upload was cancelled' }));
    request.signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(request.file);
  });
}
