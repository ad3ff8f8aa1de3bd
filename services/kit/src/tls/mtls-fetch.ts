/**
 * A fetch over the kit's mTLS agent, for libraries that take a fetch function (jose's remote key
 * set). The services' API ports answer only callers that present a platform certificate, which the
 * global fetch cannot do with the watched, rotating material; the agent can. It behaves as fetch
 * does where such libraries look: a network or TLS failure rejects with a TypeError whose cause is
 * the failure, an aborted signal rejects with the signal's reason, and redirects are not followed.
 * It sends no body: it is meant for GET.
 */
import type { Agent } from 'node:https';
import { request } from 'node:https';

/** The parts of fetch's init this fetch honours. */
export interface MtlsFetchInit {
  method?: string;
  headers?: ConstructorParameters<typeof Headers>[0];
  signal?: AbortSignal | null;
}

export type MtlsFetch = (url: string | URL, init?: MtlsFetchInit) => Promise<Response>;

const nullBodyStatuses = new Set([204, 205, 304]);

/** A fetch that makes every request through `agent`; answers larger than `maxBytes` (default 1 MiB) fail. */
export function mtlsFetch(agent: Agent, options: { maxBytes?: number } = {}): MtlsFetch {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  return (url, init = {}) =>
    new Promise<Response>((resolve, reject) => {
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new TypeError(`mTLS fetch needs an https: URL, not ${target.protocol}`));
        return;
      }
      const fail = (cause: unknown) =>
        reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause }));
      const req = request(
        target,
        { method: init.method ?? 'GET', agent, headers: Object.fromEntries(new Headers(init.headers)) },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) res.destroy(new Error(`The answer is larger than ${maxBytes} bytes`));
            else chunks.push(chunk);
          });
          res.on('error', fail);
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const headers = new Headers();
            for (const [name, value] of Object.entries(res.headers)) {
              for (const v of [value ?? []].flat()) headers.append(name, v);
            }
            const body = nullBodyStatuses.has(status) ? null : new Uint8Array(Buffer.concat(chunks));
            resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers }));
          });
        },
      );
      const abort = () => req.destroy(signal?.reason);
      signal?.addEventListener('abort', abort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', abort));
      req.on('error', fail);
      req.end();
    });
}
