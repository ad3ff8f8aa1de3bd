/** PostgreSQL pools bound to the service's own schema, with fast failure when the server is away. */
import pg from 'pg';
import type { Logger } from 'pino';

/** True when `name` can be used unquoted as a schema name. */
export const isSchemaName = (name: string): boolean => /^[a-z_][a-z0-9_]{0,62}$/.test(name);

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
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 10,
    options: `-c search_path=${options.schema}`,
    application_name: options.applicationName,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    query_timeout: 10_000,
  });
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
