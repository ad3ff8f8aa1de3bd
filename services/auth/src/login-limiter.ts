/**
 * Rate limiting of login attempts in Redis, in fixed windows: attempts per client address, and
 * failed attempts per account (keyed by a hash of the email, so Redis holds no addresses of users).
 */
import { createHash } from 'node:crypto';
import { RateLimitedError, type RedisClient } from '@quire/kit';

const countScript = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('TTL', KEYS[1])}`;

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxAttemptsPerAddress: number;
  windowSeconds: number;
}

const accountKey = (email: string) =>
  `quire:auth:login:account:${createHash('sha256').update(email).digest('base64url')}`;
const addressKey = (address: string) => `quire:auth:login:address:${address}`;

export class LoginLimiter {
  constructor(
    private readonly redis: RedisClient,
    private readonly limits: LoginLimits,
  ) {}

  /** Counts an attempt from the address; throws 429 once the address is over its limit. */
  async countAttempt(address: string): Promise<void> {
    const [n, ttl] = (await this.redis.eval(
      countScript,
      1,
      addressKey(address),
      this.limits.windowSeconds,
    )) as [number, number];
    if (n > this.limits.maxAttemptsPerAddress) throw new RateLimitedError(Math.max(ttl, 1));
  }

  /** Throws 429 while the account has failed too often in the window. */
  async checkAccount(email: string): Promise<void> {
    const key = accountKey(email);
    const [count, ttl] = await Promise.all([this.redis.get(key), this.redis.ttl(key)]);
    if (Number(count ?? 0) >= this.limits.maxFailuresPerAccount) throw new RateLimitedError(Math.max(ttl, 1));
  }

  /** Records a failed login for the account. */
  async recordFailure(email: string): Promise<void> {
    await this.redis.eval(countScript, 1, accountKey(email), this.limits.windowSeconds);
  }

  /** Forgets the account's failures after a successful login. */
  async clearFailures(email: string): Promise<void> {
    await this.redis.del(accountKey(email));
  }
}
