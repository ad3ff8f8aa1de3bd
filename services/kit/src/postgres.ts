/** PostgreSQL pools bound to the service's own schema, with fast failure when the server is away. */
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Logger } from 'pino';
import { isSslMode, type PgSsl, postgresTlsError, type SslMode, sslAttempts } from './postgres-tls.js';

/** True when `name` can be used unquoted as a schema name. */
export const isSchemaName = (name: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(name);

// URL parameters the kit reads itself, with libpq's meaning, and removes before node-postgres sees
// the URL: node-postgres would otherwise apply its own meaning of sslmode (see postgres-tls.ts), and a
// parsed connection string overrides the `ssl` option the pool is given.
const tlsParameters = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat', 'ssl'] as const;

/** A database URL split into what node-postgres reads and the libpq TLS settings the kit applies. */
export interface PostgresUrlSettings {
  /** The URL without its TLS parameters. */
  readonly url: string;
  readonly sslMode: SslMode;
  /** The PEM text of sslrootcert, when the URL names one. */
  readonly ca?: string | undefined;
  readonly attempts: readonly PgSsl[];
  readonly address: string;
}

/**
 * The libpq TLS settings of `url`: sslmode (disable when absent: node-postgres's plain TCP, which the
 * local stack's URLs rely on; the operator always renders one) and the files sslrootcert, sslcert
 * and sslkey name, read now so that a missing file fails at start-up rather than at the first query.
 */
export function postgresUrlSettings(url: string): PostgresUrlSettings {
  const parsed = new URL(url);
  const params = parsed.searchParams;
  const mode = params.get('sslmode') ?? 'disable';
  if (!isSslMode(mode)) {
    throw new Error(
      `sslmode=${mode} in the database URL is not one of disable, allow, prefer, require, verify-ca, verify-full`,
    );
  }
  const read = (name: 'sslrootcert' | 'sslcert' | 'sslkey') => {
    const path = params.get(name);
    if (!path) return undefined;
    try {
      return readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`${name}=${path} in the database URL cannot be read: ${(err as Error).message}`, {
        cause: err,
      });
    }
  };
  const material = { ca: read('sslrootcert'), cert: read('sslcert'), key: read('sslkey') };
  for (const name of tlsParameters) params.delete(name);
  return {
    url: parsed.toString(),
    sslMode: mode,
    ca: material.ca,
    attempts: sslAttempts(mode, material),
    address: `${parsed.hostname}:${parsed.port || 5432}${parsed.pathname}`,
  };
}

/**
 * A pool that connects as libpq does for the URL's sslmode: `allow` and `prefer` make a second
 * attempt of the other kind when the first fails, and the pool keeps to whichever worked (one pool
 * talks to one server). A failure the TLS settings explain becomes a PostgresTlsError that names the
 * sslmode and what to set.
 */
class LibpqPool extends pg.Pool {
  #attempt = 0;
  readonly #settings: PostgresUrlSettings;

  constructor(config: pg.PoolConfig, settings: PostgresUrlSettings) {
    const state = { attempt: () => this.#attempt };
    super({
      ...config,
      connectionString: settings.url,
      // pg-pool builds each client with `new Client(options)`: this one takes the TLS of the
      // attempt the pool is on.
      Client: class extends pg.Client {
        constructor(options?: pg.ClientConfig) {
          super({ ...options, ssl: settings.attempts[state.attempt()] ?? false });
        }
      },
    });
    this.#settings = settings;
  }

  async #connect(): Promise<pg.PoolClient> {
    const count = this.#settings.attempts.length;
    const start = this.#attempt;
    const errors: unknown[] = [];
    // From the attempt that worked last, then the other kind, as libpq's allow and prefer do. After
    // a total failure the pool goes back to libpq's order, so a passing outage does not leave a
    // `prefer` pool on plain TCP.
    for (let i = 0; i < count; i++) {
      this.#attempt = (start + i) % count;
      try {
        return await super.connect();
      } catch (err) {
        errors.push(err);
      }
    }
    this.#attempt = 0;
    throw this.#explained(...errors);
  }

  #explained(...errors: unknown[]): unknown {
    const { sslMode, address, ca } = this.#settings;
    const context = {
      mode: sslMode,
      address,
      caGiven: ca !== undefined,
      names: {
        sslMode: 'sslmode in QUIRE_DATABASE_URL',
        ca: 'sslrootcert in QUIRE_DATABASE_URL (the operator sets it from spec.postgres.ca)',
        host: 'the host of QUIRE_DATABASE_URL',
      },
    };
    for (const err of errors) {
      const explained = postgresTlsError(err, context);
      if (explained) return explained;
    }
    return errors[errors.length - 1];
  }

  // pg-pool's own query() calls connect with a callback, so both forms go through the attempts.
  override connect(): Promise<pg.PoolClient>;
  override connect(
    callback: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): void;
  override connect(
    callback?: (
      err: Error | undefined,
      client: pg.PoolClient | undefined,
      done: (release?: unknown) => void,
    ) => void,
  ): Promise<pg.PoolClient> | undefined {
    const connecting = this.#connect();
    if (!callback) return connecting;
    connecting.then(
      (client) =>
        callback(undefined, client, (release) => client.release(release as boolean | Error | undefined)),
      (err: Error) => callback(err, undefined, () => undefined),
    );
    return undefined;
  }
}

/**
 * Creates a pool whose connections use the service's schema as their search path. Connecting gives
 * up after 2 s, so requests answer 503 quickly while the database is away, and recover on their own.
 */
export function createPgPool(options: {
  url: string;
  schema: string;
  max?: number;
  applicationName: string;
  logger: Logger;
}): pg.Pool {
  if (!isSchemaName(options.schema)) throw new Error(`Invalid schema name ${options.schema}`);
  const pool = new LibpqPool(
    {
      max: options.max ?? 10,
      options: `-c search_path=${options.schema}`,
      application_name: options.applicationName,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      query_timeout: 10_000,
    },
    postgresUrlSettings(options.url),
  );
  // An idle client whose server went away emits here; without a listener the process would crash.
  pool.on('error', (err) =>
    options.logger.warn({ err: { message: err.message } }, 'Lost an idle PostgreSQL connection'),
  );
  return pool;
}

/** Runs `fn` in a transaction on one client, committing on success and rolling back on any error. */
export async function withTransaction<T>(
  pool: pg.Pool,
  fn: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}

/** A readiness check that asks PostgreSQL for one row. */
export const postgresCheck = (pool: pg.Pool) => () => pool.query('SELECT 1');
