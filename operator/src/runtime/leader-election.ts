/**
 * Leader election on a coordination.k8s.io/v1 Lease, with client-go's algorithm and
 * controller-runtime's defaults: a 15 s lease, renewed every 2 s, given up if it could not be
 * renewed for 10 s. A follower judges expiry by its own clock, never by the timestamps in the
 * lease, so clock skew between processes cannot make two leaders.
 *
 * Two refinements over client-go. A follower dates a change of the lease to the start of its
 * previous read (the latest moment it is sure the change had not happened yet) rather than to the
 * read that saw it, and wakes right at expiry rather than at its next retry: a dead leader is
 * replaced within one lease duration of its last renewal. This is safe because a leader that could
 * not renew gives up after the renew deadline, which is shorter than the lease duration minus a
 * retry period and a request's time (15 − 2.5 > 10 with the defaults; with timings that do not
 * leave that margin, the follower dates changes as client-go does). On stop the leader releases the lease (empty holder),
 * so a successor takes over within one retry period.
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ApiClient } from './api-client.js';
import { isConflict, isNotFound } from './api-client.js';
import { type Logger, silentLogger } from './logger.js';
import type { RuntimeMetrics } from './metrics.js';
import { kinds, type ObjectMeta, resourcePath } from './resource-kind.js';

export interface LeaderElectionOptions {
  client: ApiClient;
  namespace: string;
  /** The Lease's name, and the `name` label of `leader_election_master_status`. */
  name: string;
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  metrics?: RuntimeMetrics | undefined;
  logger?: Logger | undefined;
}

export interface LeaseSpec {
  holderIdentity?: string | null;
  leaseDurationSeconds?: number;
  acquireTime?: string | null;
  renewTime?: string | null;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: LeaseSpec;
}

export const defaultLeaseTimings = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
} as const;

/** A unique identity for this process: host name and a random suffix, as controller-runtime makes it. */
export function defaultIdentity(): string {
  return `${hostname()}_${randomUUID()}`;
}

const microTime = (date: Date) => date.toISOString().replace('Z', '000Z');

export class LeaderElector {
  readonly identity: string;
  private readonly options: LeaderElectionOptions;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly log: Logger;
  private readonly path: string;
  private observed: { record: string; at: number } | undefined;
  /** When the previous read of the lease started: a change seen now happened after it. */
  private previousReadAt: number | undefined;
  private readonly dateChangesEarly: boolean;
  private leader = false;
  private stopping = false;
  private wake: (() => void) | undefined;
  private running: Promise<'stopped' | 'lost'> | undefined;

  constructor(options: LeaderElectionOptions) {
    this.options = options;
    this.identity = options.identity ?? defaultIdentity();
    this.leaseDurationMs = options.leaseDurationMs ?? defaultLeaseTimings.leaseDurationMs;
    this.renewDeadlineMs = options.renewDeadlineMs ?? defaultLeaseTimings.renewDeadlineMs;
    this.retryPeriodMs = options.retryPeriodMs ?? defaultLeaseTimings.retryPeriodMs;
    if (!(this.leaseDurationMs > this.renewDeadlineMs && this.renewDeadlineMs > this.retryPeriodMs)) {
      throw new Error('Leader election needs leaseDuration > renewDeadline > retryPeriod');
    }
    this.dateChangesEarly = this.leaseDurationMs - this.earlyWindowMs() > this.renewDeadlineMs;
    this.log = (options.logger ?? silentLogger).child({ lease: `${options.namespace}/${options.name}` });
    this.path = resourcePath(kinds.lease, { namespace: options.namespace, name: options.name });
    options.metrics?.leaderStatus.set({ name: options.name }, 0);
  }

  isLeader(): boolean {
    return this.leader;
  }

  /**
   * Campaigns until this process leads, calls `onStartedLeading`, then renews until `stop()`
   * (resolves 'stopped', after releasing the lease) or until renewing failed for the renew deadline
   * (resolves 'lost'; the caller must stop reconciling at once).
   */
  run(callbacks: { onStartedLeading: () => void }): Promise<'stopped' | 'lost'> {
    this.running ??= this.campaign(callbacks);
    return this.running;
  }

  /** Stops campaigning or renewing; a leader releases the lease. Resolves when done. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.running;
  }

  private async campaign(callbacks: { onStartedLeading: () => void }): Promise<'stopped' | 'lost'> {
    this.log.info({ identity: this.identity }, 'Started campaigning for leadership');
    while (!this.stopping) {
      if (await this.tryAcquireOrRenew(this.renewDeadlineMs)) break;
      // Wake right when the holder's lease expires; after a failed attempt on an expired lease, wait a retry period.
      const untilExpiry = this.untilExpiry();
      await this.sleep(untilExpiry > 0 ? untilExpiry + 5 : this.retryPeriodMs);
    }
    if (this.stopping) return 'stopped';
    this.setLeader(true);
    this.log.info({ identity: this.identity }, 'Acquired the lease');
    callbacks.onStartedLeading();

    let lastRenew = performance.now();
    while (!this.stopping) {
      await this.sleep(this.retryPeriodMs);
      if (this.stopping) break;
      const left = this.renewDeadlineMs - (performance.now() - lastRenew);
      if (left > 0 && (await this.tryAcquireOrRenew(left))) {
        lastRenew = performance.now();
        continue;
      }
      if (performance.now() - lastRenew >= this.renewDeadlineMs) {
        this.setLeader(false);
        this.log.error(
          { identity: this.identity },
          'Lost the lease: it could not be renewed within the deadline',
        );
        return 'lost';
      }
    }
    await this.release();
    this.setLeader(false);
    return 'stopped';
  }

  /** One attempt to take or keep the lease; false when someone else holds it or the write lost a race. */
  private async tryAcquireOrRenew(timeoutMs: number): Promise<boolean> {
    const signal = AbortSignal.timeout(Math.max(1, Math.floor(timeoutMs)));
    const now = new Date();
    const readAt = performance.now();
    const previousReadAt = this.previousReadAt;
    this.previousReadAt = readAt;
    try {
      let lease: Lease;
      try {
        lease = await this.options.client.request<Lease>('GET', this.path, { signal });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        const created = await this.options.client.request<Lease>(
          'POST',
          resourcePath(kinds.lease, { namespace: this.options.namespace }),
          {
            body: {
              apiVersion: 'coordination.k8s.io/v1',
              kind: 'Lease',
              metadata: { name: this.options.name, namespace: this.options.namespace },
              spec: this.spec(now, undefined),
            },
            signal,
          },
        );
        this.observe(created.spec ?? {}, performance.now());
        return true;
      }
      const record = lease.spec ?? {};
      // The previous read bounds the change only if it was recent (not a request that hung for seconds).
      const early =
        this.dateChangesEarly &&
        previousReadAt !== undefined &&
        readAt - previousReadAt <= this.earlyWindowMs();
      this.observe(record, early ? (previousReadAt as number) : performance.now());
      const holder = record.holderIdentity ?? '';
      if (holder !== '' && holder !== this.identity && this.untilExpiry() > 0) return false;
      const updated = await this.options.client.request<Lease>('PUT', this.path, {
        body: { ...lease, spec: this.spec(now, record) },
        signal,
      });
      this.observe(updated.spec ?? {}, performance.now());
      return true;
    } catch (error) {
      if (!isConflict(error)) {
        this.log.warn({ err: String(error), leader: this.leader }, 'Failed to acquire or renew the lease');
      }
      return false;
    }
  }

  private spec(now: Date, old: LeaseSpec | undefined): LeaseSpec {
    const renewing = old !== undefined && old.holderIdentity === this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.leaseDurationMs / 1000),
      acquireTime: renewing ? (old.acquireTime ?? microTime(now)) : microTime(now),
      renewTime: microTime(now),
      leaseTransitions: renewing ? (old.leaseTransitions ?? 0) : (old?.leaseTransitions ?? -1) + 1,
    };
  }

  /** Remembers when the lease last changed (dated `at`, by this process's clock). */
  private observe(record: LeaseSpec, at: number): void {
    const text = JSON.stringify([
      record.holderIdentity,
      record.renewTime,
      record.acquireTime,
      record.leaseTransitions,
    ]);
    if (this.observed?.record !== text) this.observed = { record: text, at };
  }

  /** How far back a change may be dated: one retry period and a little time for the request. */
  private earlyWindowMs(): number {
    return this.retryPeriodMs + 500;
  }

  /** Milliseconds until the observed lease expires (0 if it has), at most one retry period. */
  private untilExpiry(): number {
    if (!this.observed) return this.retryPeriodMs;
    const left = this.observed.at + this.leaseDurationMs - performance.now();
    return Math.max(0, Math.min(this.retryPeriodMs, left));
  }

  /** Gives the lease up: empty holder, one-second duration, so a successor need not wait. */
  private async release(): Promise<void> {
    try {
      const lease = await this.options.client.request<Lease>('GET', this.path, {
        signal: AbortSignal.timeout(Math.floor(this.renewDeadlineMs)),
      });
      if (lease.spec?.holderIdentity !== this.identity) return;
      const now = microTime(new Date());
      await this.options.client.request('PUT', this.path, {
        body: {
          ...lease,
          spec: {
            holderIdentity: null,
            leaseDurationSeconds: 1,
            acquireTime: now,
            renewTime: now,
            leaseTransitions: lease.spec.leaseTransitions ?? 0,
          },
        },
        signal: AbortSignal.timeout(Math.floor(this.renewDeadlineMs)),
      });
      this.log.info({ identity: this.identity }, 'Released the lease');
    } catch (error) {
      this.log.warn({ err: String(error) }, 'Failed to release the lease; it expires on its own');
    }
  }

  private setLeader(leader: boolean): void {
    this.leader = leader;
    this.options.metrics?.leaderStatus.set({ name: this.options.name }, leader ? 1 : 0);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.wake = done;
    });
  }
}
