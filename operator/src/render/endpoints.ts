/**
 * Where each backing store is, as host and port, read from the Platform spec. The settings builders
 * write connection strings from these, and the NetworkPolicy builder opens exactly these ports.
 */
import type { BackingStore } from '@quire/kit/catalogue';
import type { PlatformSpec } from '../api/index.js';

export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

/** `host:port` as the spec writes Kafka brokers and Redis addresses (the schema has checked the form). */
export function parseHostPort(address: string): Endpoint {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

/** The host and port of an http(s) URL, with the scheme's default port when the URL names none. */
export function urlEndpoint(url: string): Endpoint {
  const parsed = new URL(url);
  const fallback = parsed.protocol === 'https:' ? 443 : 80;
  return { host: parsed.hostname, port: parsed.port === '' ? fallback : Number(parsed.port) };
}

/** Every endpoint of one store; Redis and Kafka list several. */
export function storeEndpoints(spec: PlatformSpec, store: BackingStore): Endpoint[] {
  switch (store) {
    case 'postgres':
      return [{ host: spec.postgres.host, port: spec.postgres.port }];
    case 'redis':
      return spec.redis.addresses.map(parseHostPort);
    case 'kafka':
      return spec.kafka.bootstrapServers.map(parseHostPort);
    case 's3':
      return [urlEndpoint(spec.objectStorage.endpoint)];
    case 'search':
      return [urlEndpoint(spec.search.endpoint)];
  }
}

/** The OpenTelemetry collector every service exports traces to, when one is configured. */
export function otlpEndpoint(spec: PlatformSpec): Endpoint | undefined {
  return spec.observability.otlpEndpoint === undefined
    ? undefined
    : urlEndpoint(spec.observability.otlpEndpoint);
}
