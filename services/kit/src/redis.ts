/**
 * Redis clients from one URL: `redis://` for one node, `redis-cluster://h1:p1,h2:p2` for a cluster;
 * `rediss://` and `rediss-cluster://` for TLS, checked against the system CAs or, with `?ca=<file>`,
 * against the PEM bundle in that file (the operator mounts spec.redis.tls.ca there). Commands fail at once while disconnected (no offline queue), so callers answer 503 instead of hanging.
 * Keys that must be used together share a hash tag (`{...}`) so they live in one cluster slot.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

/**
 * The URL without its `ca` parameter, and the TLS options it asks for (undefined for plain TCP).
 * ioredis would pass an unknown URL parameter on as a client option, so the kit takes `ca` out.
 */
export function redisTls(url: string): { url: string; tls: ConnectionOptions | undefined } {
  const secure = /^rediss(-cluster)?:\/\//.test(url);
  const query = url.indexOf('?');
  if (query === -1) return { url, tls: secure ? {} : undefined };
  const params = new URLSearchParams(url.slice(query + 1));
  const caFile = params.get('ca');
  params.delete('ca');
  const rest = params.toString();
  const stripped = url.slice(0, query) + (rest ? `?${rest}` : '');
  if (!caFile) return { url: stripped, tls: secure ? {} : undefined };
  if (!secure) {
    throw new Error(
      `The Redis URL names a CA (ca=${caFile}) but is not rediss://: use rediss:// to connect over TLS`,
    );
  }
  try {
    return { url: stripped, tls: { ca: readFileSync(caFile, 'utf8') } };
  } catch (err) {
    throw new Error(`ca=${caFile} in the Redis URL cannot be read: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** Creates a client for a single node or a cluster, and waits until it is ready. */
export async function connectRedis(
  url: string,
  options: { readyTimeoutMs?: number } = {},
): Promise<RedisClient> {
  const common = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    lazyConnect: true,
  } as const;
  const { url: target, tls } = redisTls(url);
  let client: RedisClient;
  if (target.startsWith('redis-cluster://') || url.startsWith('rediss-cluster://')) {
    const parsed = new URL(target.replace('-cluster', ''));
    const nodes = target
      .replace(/^rediss?-cluster:\/\/([^@]*@)?/, '')
      .split('/')[0]
      ?.split(',')
      .map((hp) => {
        const [host, port] = hp.split(':');
        return { host: host ?? 'localhost', port: Number(port ?? 6379) };
      });
    client = new Cluster(nodes ?? [], {
      enableOfflineQueue: false,
      lazyConnect: true,
      redisOptions: {
        maxRetriesPerRequest: 1,
        ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
        ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
        ...(tls ? { tls } : {}),
      },
    });
  } else {
    client = new Redis(target, { ...common, ...(tls ? { tls } : {}) });
  }
  client.on('error', () => {
    // Reconnection is automatic; failed commands surface to their callers as 503.
  });
  const timeout = options.readyTimeoutMs ?? 10_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`Redis was not ready after ${timeout} ms`)), timeout);
      }),
    ]);
  } catch (err) {
    client.disconnect();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  return client;
}

/** A readiness check that pings Redis. */
export const redisCheck = (client: RedisClient) => () => client.ping();
