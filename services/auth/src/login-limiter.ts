/**
 * Rate limiting of login attempts in Redis, in the kit's fixed windows: attempts per client address,
 * and failed attempts per account (keyed by a hash of the email, so Redis holds no addresses of users).
 */
import { createHash } from 'node:crypto';
import { FixedWindowLimiter, type RedisClient } from '@quire/kit';

export interface LoginLimits {
  maxFailuresPerAccount: number;
  maxAttemptsPerAddress: number;
  windowSeconds: number;
}

const accountKey = (email: string) => createHash('sha256').update(email).digest('base64url');

export class LoginLimiter {
  private readonly addresses: FixedWindowLimiter;
  private readonly accounts: FixedWindowLimiter;

  constructor(redis: RedisClient, limits: LoginLimits) {
    this.addresses = new FixedWindowLimiter(redis, 'quire:auth:login:address:', {
      max: limits.maxAttemptsPerAddress,
      windowSeconds: limits.windowSeconds,
    });
    this.accounts = new FixedWindowLimiter(redis, 'quire:auth:login:account:', {
      max: limits.maxFailuresPerAccount,
      windowSeconds: limits.windowSeconds,
    });
  }

  /** Counts an attempt from the address; throws 429 once the address is over its limit. */
  async countAttempt(address: string): Promise<void> {
    await this.addresses.consume(address);
  }

  /** Throws 429 while the account has failed too often in the window. */
  async checkAccount(email: string): Promise<void> {
    await this.accounts.assertNotExhausted(accountKey(email));
  }

  /** Records a failed login for the account. */
  async recordFailure(email: string): Promise<void> {
    await this.accounts.count(accountKey(email));
  }

  /** Forgets the account's failures after a successful login. */
  async clearFailures(email: string): Promise<void> {
    await this.accounts.reset(accountKey(email));
  }
}
