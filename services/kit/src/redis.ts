/**
 * Redis clients from one URL: `redis://` for one node, `redis-cluster://h1:p1,h2:p2` for a cluster.
 * Commands fail at once while disconnected (no offline queue), so callers answer 503 instead of hanging.
 * Keys that must be used together share a hash tag (`{...}`) so they live in one cluster slot.
 */
import { Cluster, Redis } from 'ioredis';

export type RedisClient = Redis | Cluster;

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
  let client: RedisClient;
  if (url.startsWith('redis-cluster://') || url.startsWith('rediss-cluster://')) {
    const parsed = new URL(url.replace('-cluster', ''));
    const tls = parsed.protocol === 'rediss:';
    const nodes = url
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
        ...(tls ? { tls: {} } : {}),
      },
    });
  } else {
    client = new Redis(url, common);
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
