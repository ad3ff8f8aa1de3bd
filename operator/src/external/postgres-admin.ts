/**
 * The operator's PostgreSQL session: one dedicated connection (never a pooled one) per reconcile,
 * with the administrator's credentials from spec.postgres. Dedicated, because the migration lock is
 * a session-level advisory lock: it belongs to this connection and PostgreSQL releases it when the
 * connection ends, however the operator ends. The session's timeouts bound everything it does:
 * waiting for a table lock, one statement, idling inside a transaction, and a peer gone silent.
 */
import { type PgSsl, postgresTlsError, sslAttempts } from '@quire/kit/postgres-tls';
import pg from 'pg';
import type { PlatformSpec } from '../api/index.js';
import { resolveSecretKey, type SecretSource } from './secret-source.js';

/** Where and as whom to connect, with secret values already read. */
export interface PostgresConnection {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly sslMode: PlatformSpec['postgres']['sslMode'];
  readonly ca?: string | undefined;
}

/** Bounds on what the session may wait for; the defaults suit schema changes on a live database. */
export interface SessionTimeouts {
  /** Waiting for a table lock (a migration behind the service's traffic); then the migration fails and is retried. */
  readonly lockTimeoutMs?: number;
  /** One statement, such as building an index. */
  readonly statementTimeoutMs?: number;
  /** A transaction left open by a stalled operator, holding its locks. */
  readonly idleInTransactionMs?: number;
}

/** PostgreSQL could not be reached, or refused the administrator's login. */
export class PostgresUnavailableError extends Error {
  readonly address: string;

  constructor(address: string, cause: unknown) {
    super(
      `Could not connect to PostgreSQL at ${address}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
    this.name = 'PostgresUnavailableError';
    this.address = address;
  }
}

/** The connection spec.postgres describes; SecretMissingError when a referenced Secret is absent. */
export async function postgresConnectionFor(
  spec: PlatformSpec['postgres'],
  namespace: string,
  secrets: SecretSource,
): Promise<PostgresConnection> {
  return {
    host: spec.host,
    port: spec.port,
    database: spec.database,
    user: await resolveSecretKey(secrets, namespace, spec.adminCredentials.username),
    password: await resolveSecretKey(secrets, namespace, spec.adminCredentials.password),
    sslMode: spec.sslMode,
    ca: spec.ca ? await resolveSecretKey(secrets, namespace, spec.ca) : undefined,
  };
}

/**
 * The TLS of each attempt libpq would make for the connection's sslmode (the kit's one definition,
 * which the services' pools use too); false is plain TCP.
 */
export const tlsAttempts = (connection: PostgresConnection): readonly PgSsl[] =>
  sslAttempts(connection.sslMode, { ca: connection.ca });

const address = (c: PostgresConnection) => `${c.host}:${c.port}/${c.database}`;

async function open(connection: PostgresConnection, ssl: PgSsl, timeouts: SessionTimeouts) {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
    ssl,
    application_name: 'quire-operator',
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
    lock_timeout: timeouts.lockTimeoutMs ?? 10_000,
    statement_timeout: timeouts.statementTimeoutMs ?? 15 * 60_000,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionMs ?? 60_000,
    // The server notices a vanished operator (host down, network cut) within about a minute and
    // ends its session, releasing its advisory lock; a killed process is noticed at once.
    options: '-c tcp_keepalives_idle=30 -c tcp_keepalives_interval=10 -c tcp_keepalives_count=3',
  });
  // An error on an idle client (the server went away between queries) must not crash the process.
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/**
 * Opens the dedicated admin session; PostgresUnavailableError when it cannot, whose message names the
 * sslMode and what to set when the TLS settings are the reason. As libpq does, `allow` tries plain TCP
 * then TLS, and `prefer` TLS then plain TCP.
 */
export async function connectPostgres(
  connection: PostgresConnection,
  timeouts: SessionTimeouts = {},
): Promise<pg.Client> {
  const errors: unknown[] = [];
  for (const ssl of tlsAttempts(connection)) {
    try {
      return await open(connection, ssl, timeouts);
    } catch (error) {
      errors.push(error);
    }
  }
  const context = {
    mode: connection.sslMode,
    address: address(connection),
    caGiven: connection.ca !== undefined,
    names: { sslMode: 'spec.postgres.sslMode', ca: 'spec.postgres.ca', host: 'spec.postgres.host' },
  };
  const explained = errors.map((e) => postgresTlsError(e, context)).find((e) => e !== undefined);
  throw new PostgresUnavailableError(address(connection), explained ?? errors[errors.length - 1]);
}

// Errors that mean the session was lost rather than that a statement was refused.
const lostConnection =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|Connection terminated|not queryable|terminating connection/i;

/** True when `error` means the session is gone (so the phase reports PostgreSQL unavailable). */
export function isConnectionLost(error: unknown): boolean {
  const code = (error as { code?: string } | undefined)?.code;
  // 57P01..57P03: admin shutdown, crash shutdown, cannot connect now; 08xxx: connection exceptions.
  if (code && (/^57P0[1-3]$/.test(code) || code.startsWith('08'))) return true;
  return lostConnection.test(error instanceof Error ? error.message : String(error));
}
