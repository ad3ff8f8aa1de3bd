/**
 * The key ring that signs access tokens: ES256 keys kept in PostgreSQL so every replica signs with
 * the same newest key, rotated on a schedule, and published as a JWKS while tokens they signed live.
 */

import type { webcrypto } from 'node:crypto';
import { randomUUID } from 'node:crypto';
import { accessTokenAlgorithm } from '@quire/kit';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTVerifyGetKey } from 'jose';
import type pg from 'pg';
import type { Logger } from 'pino';

interface LoadedKey {
  kid: string;
  createdAt: Date;
  publicJwk: JWK;
  privateKey: webcrypto.CryptoKey;
  verifyKey: webcrypto.CryptoKey;
}

/** Signing keys for this replica: refreshed from the database, rotated when due. */
export class SigningKeyRing {
  private keys: LoadedKey[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: {
      /** How long a key signs before a new one replaces it. */
      rotationMs: number;
      /** Lifetime of access tokens: a replaced key stays published this long (plus a margin). */
      accessTokenTtlSeconds: number;
      logger: Logger;
      /** How often replicas look for a key another replica created (default 60 s). */
      refreshMs?: number;
      /**
       * How long a new key is only published before it signs (default: the refresh interval plus
       * 10 s), so every replica's JWKS, and so every verifier, knows it before its first token.
       */
      activationDelayMs?: number;
    },
  ) {}

  private get activationDelayMs(): number {
    return this.options.activationDelayMs ?? (this.options.refreshMs ?? 60_000) + 10_000;
  }

  /** Loads the published keys, creating or rotating the signing key when none is current. */
  async refresh(): Promise<void> {
    await this.load();
    const newest = this.keys[0];
    if (!newest || Date.now() - newest.createdAt.getTime() >= this.options.rotationMs)
      await this.rotate(false);
  }

  /** Creates a new signing key now (or only when due if `force` is false), retiring the previous one. */
  async rotate(force = true): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // One replica rotates at a time; the others see its key on their next refresh.
      await client.query("SELECT pg_advisory_xact_lock(hashtext('quire.auth.signing-keys'))");
      const { rows } = await client.query<{ created_at: Date }>(
        'SELECT created_at FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
      );
      const current = rows[0];
      if (force || !current || Date.now() - current.created_at.getTime() >= this.options.rotationMs) {
        const kid = randomUUID();
        const { privateKey, publicKey } = await generateKeyPair(accessTokenAlgorithm, { extractable: true });
        const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: accessTokenAlgorithm, use: 'sig' };
        const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: accessTokenAlgorithm };
        // The old key keeps signing until the new one activates; its last tokens must still verify.
        const graceSeconds =
          Math.ceil(this.activationDelayMs / 1000) + this.options.accessTokenTtlSeconds + 300;
        await client.query(
          `UPDATE signing_keys SET retired_at = now(), expires_at = now() + make_interval(secs => $1)
            WHERE retired_at IS NULL`,
          [graceSeconds],
        );
        await client.query('DELETE FROM signing_keys WHERE expires_at < now()');
        await client.query('INSERT INTO signing_keys (kid, private_jwk, public_jwk) VALUES ($1, $2, $3)', [
          kid,
          privateJwk,
          publicJwk,
        ]);
        this.options.logger.info({ kid }, 'Created a new signing key');
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
    await this.load();
  }

  private async load(): Promise<void> {
    const { rows } = await this.pool.query<{
      kid: string;
      created_at: Date;
      private_jwk: JWK;
      public_jwk: JWK;
    }>(
      `SELECT kid, created_at, private_jwk, public_jwk FROM signing_keys
        WHERE expires_at IS NULL OR expires_at > now() ORDER BY created_at DESC`,
    );
    const known = new Map(this.keys.map((k) => [k.kid, k]));
    this.keys = await Promise.all(
      rows.map(
        async (r) =>
          known.get(r.kid) ?? {
            kid: r.kid,
            createdAt: r.created_at,
            publicJwk: r.public_jwk,
            privateKey: (await importJWK(r.private_jwk, accessTokenAlgorithm)) as webcrypto.CryptoKey,
            verifyKey: (await importJWK(r.public_jwk, accessTokenAlgorithm)) as webcrypto.CryptoKey,
          },
      ),
    );
  }

  /** Refreshes now and then every minute, in the background, until `stop`. */
  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => {
      this.refresh().catch((err: Error) =>
        this.options.logger.warn({ err: { message: err.message } }, 'Failed to refresh the signing keys'),
      );
    }, this.options.refreshMs ?? 60_000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The key to sign with now: the newest one published for at least the activation delay. */
  signingKey(): { kid: string; key: webcrypto.CryptoKey } {
    const now = Date.now();
    const k =
      this.keys.find((x) => now - x.createdAt.getTime() >= this.activationDelayMs) ?? this.keys.at(-1);
    if (!k) throw new Error('No signing key is loaded; call start() first');
    return { kid: k.kid, key: k.privateKey };
  }

  /** The public keys to publish. */
  jwks(): { keys: JWK[] } {
    return { keys: this.keys.map((k) => k.publicJwk) };
  }

  /** A jose key resolver over the loaded public keys, for verifying tokens inside Auth. */
  readonly verifyKeys: JWTVerifyGetKey = async (header) => {
    const k = this.keys.find((x) => x.kid === header.kid);
    if (!k) throw new Error('Unknown key id');
    return k.verifyKey;
  };
}
