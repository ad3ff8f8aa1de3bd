/**
 * libpq's sslmode, as node-postgres TLS options. The operator's admin session and every service's
 * pool both connect through these, so one `sslMode` in the Platform means the same on both paths,
 * and the same as `psql` with that sslmode.
 *
 * Why not let node-postgres read `sslmode` from the URL: pg 8.x (pg-connection-string 2.x) treats
 * `prefer`, `require` and `verify-ca` as `verify-full` and `allow` as TLS, unless the URL also says
 * `uselibpqcompat=true`; and even then `prefer` and `allow` never fall back to the other kind of
 * connection. So `require` against a managed PostgreSQL whose CA is not given fails with
 * "self-signed certificate in certificate chain", where libpq encrypts without verifying.
 * Light on purpose (no pg import): the operator loads it through `@quire/kit/postgres-tls`.
 */
import type { ConnectionOptions } from 'node:tls';

export const sslModes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof sslModes)[number];

export const isSslMode = (value: string): value is SslMode => (sslModes as readonly string[]).includes(value);

/** The TLS of one connection attempt; false is plain TCP. */
export type PgSsl = ConnectionOptions | false;

/** What the client holds to check (and present to) the server: PEM text, not paths. */
export interface PgTlsMaterial {
  /** The CA bundle that signed the server's certificate (libpq's sslrootcert); unset, the system CAs. */
  readonly ca?: string | undefined;
  /** A client certificate and key (libpq's sslcert and sslkey), for servers that ask for one. */
  readonly cert?: string | undefined;
  readonly key?: string | undefined;
}

/**
 * The attempts libpq makes for `mode`, in order; the next is tried only when the one before fails.
 * `require` (and the fallbacks of `allow` and `prefer`) encrypt without checking the certificate,
 * unless a CA is given: then libpq checks the chain as `verify-ca` does. `verify-ca` checks the
 * chain but not the host name; `verify-full` checks both. Without a CA, verify-ca and verify-full
 * check against the system CAs (libpq 16's `sslrootcert=system`), as a managed PostgreSQL with a
 * public CA needs.
 */
export function sslAttempts(mode: SslMode, material: PgTlsMaterial = {}): readonly PgSsl[] {
  const client = {
    ...(material.cert ? { cert: material.cert } : {}),
    ...(material.key ? { key: material.key } : {}),
  };
  const chainOnly: ConnectionOptions = {
    ...client,
    ...(material.ca ? { ca: material.ca } : {}),
    checkServerIdentity: () => undefined,
  };
  const encrypted: ConnectionOptions = material.ca ? chainOnly : { ...client, rejectUnauthorized: false };
  switch (mode) {
    case 'disable':
      return [false];
    case 'allow':
      return [false, encrypted];
    case 'prefer':
      return [encrypted, false];
    case 'require':
      return [encrypted];
    case 'verify-ca':
      return [chainOnly];
    case 'verify-full':
      return [{ ...client, ...(material.ca ? { ca: material.ca } : {}) }];
  }
}

// Node's codes for a certificate it did not accept (chain or host name).
const verificationCodes = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Where the caller sets the mode and the CA, for the advice in the message. */
export interface PgTlsSettingNames {
  /** e.g. `spec.postgres.sslMode`, or `sslmode in QUIRE_DATABASE_URL`. */
  readonly sslMode: string;
  /** e.g. `spec.postgres.ca`, or `sslrootcert in QUIRE_DATABASE_URL`. */
  readonly ca: string;
  /** e.g. `spec.postgres.host`, or `the host of QUIRE_DATABASE_URL`. */
  readonly host: string;
}

/** A TLS connection to PostgreSQL failed for a reason the sslmode and CA settings decide. */
export class PostgresTlsError extends Error {
  readonly sslMode: SslMode;
  readonly address: string;

  constructor(message: string, sslMode: SslMode, address: string, cause: unknown) {
    super(message, { cause });
    this.name = 'PostgresTlsError';
    this.sslMode = sslMode;
    this.address = address;
  }
}

/**
 * `error` as a PostgresTlsError naming the sslmode and what to set, when the TLS settings explain it
 * (the certificate was refused, or the server has no TLS); undefined for any other failure.
 */
export function postgresTlsError(
  error: unknown,
  context: { mode: SslMode; address: string; caGiven: boolean; names: PgTlsSettingNames },
): PostgresTlsError | undefined {
  const { mode, address, caGiven, names } = context;
  const code = (error as { code?: unknown } | undefined)?.code;
  const detail = error instanceof Error ? error.message : String(error);
  const make = (advice: string) =>
    new PostgresTlsError(
      `The TLS connection to PostgreSQL at ${address} failed under sslmode=${mode}: ${detail}; ${advice}`,
      mode,
      address,
      error,
    );
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return make(
      `sslmode=verify-full checks that the certificate names the host connected to: set ${names.host} to a name the certificate lists, or set ${names.sslMode} to verify-ca to check the CA only`,
    );
  }
  if (typeof code === 'string' && verificationCodes.has(code)) {
    return make(
      caGiven
        ? `the certificate is not signed by the CA in ${names.ca}: set ${names.ca} to the PEM bundle of the CA that signed the server's certificate`
        : `no CA is given, so the certificate was checked against the system CAs: set ${names.ca} to the PEM bundle of the CA that signed the server's certificate, or set ${names.sslMode} to require to encrypt without checking it`,
    );
  }
  if (/does not support SSL/i.test(detail)) {
    return make(
      `the server does not speak TLS: turn on ssl in PostgreSQL, or set ${names.sslMode} to prefer or disable`,
    );
  }
  return undefined;
}
