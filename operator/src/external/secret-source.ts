/**
 * Reads the Secrets that hold credentials for Kafka and PostgreSQL. The Secrets a person creates and
 * the Platform only references carry no managed-by label, so the runtime's label-filtered cache never
 * holds them: the cache is asked first, the API on a miss. A missing Secret or key is a typed error,
 * so a phase can say which one to create.
 */
import type { ObjectReader } from '../reconcile/scope.js';
import { type ApiClient, isNotFound } from '../runtime/api-client.js';
import { type KubeObject, kinds, resourcePath } from '../runtime/resource-kind.js';

/** A reference to one key of a Secret, as the Platform spec writes it. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/** Where Secrets are read from. */
export interface SecretSource {
  /** The Secret's data, decoded; undefined when the Secret does not exist. */
  read(namespace: string, name: string): Promise<Record<string, string> | undefined>;
}

/** A Secret or one of its keys does not exist. */
export class SecretMissingError extends Error {
  readonly secret: string;
  readonly key: string | undefined;

  constructor(namespace: string, ref: { name: string; key?: string | undefined }) {
    super(
      ref.key === undefined
        ? `Secret ${namespace}/${ref.name} does not exist`
        : `Secret ${namespace}/${ref.name} has no key ${ref.key}`,
    );
    this.name = 'SecretMissingError';
    this.secret = ref.name;
    this.key = ref.key;
  }
}

/** Decodes a Secret's `data` (base64) and merges `stringData`, as the API server would. */
export function secretValues(secret: KubeObject): Record<string, string> {
  const data = (secret.data as Record<string, string> | undefined) ?? {};
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(data))
    values[key] = Buffer.from(value, 'base64').toString('utf8');
  return { ...values, ...((secret.stringData as Record<string, string> | undefined) ?? {}) };
}

/** Reads from the informers' cache when it has the Secret, else from the API server. */
export function cachedSecretSource(client: ApiClient, reader?: ObjectReader): SecretSource {
  return {
    async read(namespace, name) {
      const cached = reader?.get(kinds.secret, { namespace, name });
      if (cached) return secretValues(cached);
      try {
        return secretValues(
          await client.request<KubeObject>('GET', resourcePath(kinds.secret, { namespace, name })),
        );
      } catch (error) {
        if (isNotFound(error)) return undefined;
        throw error;
      }
    },
  };
}

/** The value of one Secret key; SecretMissingError when the Secret or the key is absent. */
export async function resolveSecretKey(
  source: SecretSource,
  namespace: string,
  ref: SecretKeyRef,
): Promise<string> {
  const data = await source.read(namespace, ref.name);
  if (!data) throw new SecretMissingError(namespace, { name: ref.name });
  const value = data[ref.key];
  if (value === undefined) throw new SecretMissingError(namespace, ref);
  return value;
}
