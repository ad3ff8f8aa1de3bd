/**
 * Sessions and refresh tokens in Redis. A refresh token is `<account>.<session>.<secret>`; only the
 * secret's hash is stored. Each use rotates the secret; presenting an old secret is reuse (a stolen
 * token), which revokes the session. All keys of one account share a hash tag, so the scripts and
 * transactions below work on a single Redis and on Redis Cluster alike.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '@quire/kit';

const sessionKey = (accountId: string, sessionId: string) => `quire:auth:{${accountId}}:session:${sessionId}`;
const indexKey = (accountId: string) => `quire:auth:{${accountId}}:sessions`;
const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('base64url');
const newId = (bytes: number) => randomBytes(bytes).toString('base64url');

// Returns 1 after rotating, 0 when the session does not exist, -1 on reuse (after revoking it).
const rotateScript = `
local current = redis.call('HGET', KEYS[1], 'secret')
if not current then return 0 end
if current ~= ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[3])
  return -1
end
redis.call('HSET', KEYS[1], 'secret', ARGV[2], 'rotatedAt', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return 1`;

// Ends the session when the secret is its current one: 1 when it did, 0 otherwise.
const endScript = `
if redis.call('HGET', KEYS[1], 'secret') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[2])
return 1`;

export type RotateResult =
  | { outcome: 'rotated'; accountId: string; sessionId: string; refreshToken: string }
  | { outcome: 'unknown' }
  | { outcome: 'reused'; accountId: string; sessionId: string };

/** Parses a refresh token into its parts, or undefined when it is not one. */
function parseToken(token: string): { accountId: string; sessionId: string; secret: string } | undefined {
  const [accountId, sessionId, secret, ...rest] = token.split('.');
  if (rest.length > 0 || !accountId || !sessionId || !secret) return undefined;
  if (
    !/^[0-9a-f-]{36}$/.test(accountId) ||
    !/^[\w-]{16,64}$/.test(sessionId) ||
    !/^[\w-]{32,128}$/.test(secret)
  ) {
    return undefined;
  }
  return { accountId, sessionId, secret };
}

export class SessionStore {
  constructor(
    private readonly redis: RedisClient,
    private readonly ttlSeconds: number,
  ) {}

  /** Starts a session; returns its id and first refresh token. */
  async create(accountId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = newId(16);
    const secret = newId(32);
    const ttlMs = this.ttlSeconds * 1000;
    await this.redis
      .multi()
      .hset(sessionKey(accountId, sessionId), {
        secret: hashSecret(secret),
        createdAt: new Date().toISOString(),
      })
      .pexpire(sessionKey(accountId, sessionId), ttlMs)
      .sadd(indexKey(accountId), sessionId)
      .pexpire(indexKey(accountId), ttlMs)
      .exec();
    return { sessionId, refreshToken: `${accountId}.${sessionId}.${secret}` };
  }

  /** Exchanges a refresh token for the next one, detecting reuse of an old one. */
  async rotate(token: string): Promise<RotateResult> {
    const t = parseToken(token);
    if (!t) return { outcome: 'unknown' };
    const next = newId(32);
    const result = await this.redis.eval(
      rotateScript,
      2,
      sessionKey(t.accountId, t.sessionId),
      indexKey(t.accountId),
      hashSecret(t.secret),
      hashSecret(next),
      t.sessionId,
      String(this.ttlSeconds * 1000),
      new Date().toISOString(),
    );
    if (result === 1) {
      return {
        outcome: 'rotated',
        accountId: t.accountId,
        sessionId: t.sessionId,
        refreshToken: `${t.accountId}.${t.sessionId}.${next}`,
      };
    }
    if (result === -1) return { outcome: 'reused', accountId: t.accountId, sessionId: t.sessionId };
    return { outcome: 'unknown' };
  }

  /** True while the session has not been logged out, revoked or expired. */
  async isActive(accountId: string, sessionId: string): Promise<boolean> {
    return (await this.redis.exists(sessionKey(accountId, sessionId))) === 1;
  }

  /** Ends one session. */
  async revoke(accountId: string, sessionId: string): Promise<void> {
    await this.redis
      .multi()
      .del(sessionKey(accountId, sessionId))
      .srem(indexKey(accountId), sessionId)
      .exec();
  }

  /**
   * Ends the session of a refresh token without using it (a browser's logout, which has only the
   * cookie); returns the session when the token was its current one, undefined otherwise.
   */
  async revokeByToken(token: string): Promise<{ accountId: string; sessionId: string } | undefined> {
    const t = parseToken(token);
    if (!t) return undefined;
    const ended = await this.redis.eval(
      endScript,
      2,
      sessionKey(t.accountId, t.sessionId),
      indexKey(t.accountId),
      hashSecret(t.secret),
      t.sessionId,
    );
    return ended === 1 ? { accountId: t.accountId, sessionId: t.sessionId } : undefined;
  }

  /** Ends every session of the account; returns how many there were. */
  async revokeAll(accountId: string): Promise<number> {
    const ids = await this.redis.smembers(indexKey(accountId));
    const tx = this.redis.multi();
    for (const id of ids) tx.del(sessionKey(accountId, id));
    tx.del(indexKey(accountId));
    await tx.exec();
    return ids.length;
  }
}
