/**
 * Delivering queued webhook calls: due deliveries are claimed with a lease (FOR UPDATE SKIP LOCKED,
 * so replicas share the queue and never send one delivery at the same time), POSTed with a fresh
 * signature, and every attempt is recorded. 2xx delivers; 5xx, 408, 429 and network failures retry
 * with jittered exponential backoff until `maxAttempts`; any other answer fails the delivery at once.
 * A process that dies mid-send leaves the lease to run out, and the delivery is tried again: the
 * `Quire-Delivery` header lets receivers drop the rare duplicate.
 */
import type pg from 'pg';
import type { Logger } from 'pino';
import { signatureHeader, signBody } from './webhook-signature.js';
import { postJson, type TargetPolicy } from './webhook-target.js';

export interface DispatcherSettings {
  policy: TargetPolicy;
  /** Attempts per delivery, the first included (default 8). */
  maxAttempts: number;
  /** Delay before the first retry; doubles each time (default 30 s). */
  initialBackoffMs: number;
  /** Longest delay between attempts (default 1 h). */
  maxBackoffMs: number;
  /** How long one call may take (default 10 s). */
  timeoutMs: number;
  /** Pause between polls of an empty queue (default 1 s). */
  pollMs: number;
  /** Deliveries claimed and sent in parallel per poll (default 10). */
  batchSize: number;
}

export const defaultDispatcherSettings = (): DispatcherSettings => ({
  policy: { allowPlainHttp: false, allowPrivateAddresses: false },
  maxAttempts: 8,
  initialBackoffMs: 30_000,
  maxBackoffMs: 3_600_000,
  timeoutMs: 10_000,
  pollMs: 1_000,
  batchSize: 10,
});

interface Claimed {
  id: string;
  attempts: number;
  url: string;
  secret: string;
  notification: { id: string; kind: string; title: string; body: string; data: unknown; createdAt: string };
  user_id: string;
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;

export class WebhookDispatcher {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly pool: pg.Pool,
    private readonly logger: Logger,
    private readonly settings: DispatcherSettings = defaultDispatcherSettings(),
  ) {}

  /** Claims due deliveries, sends them and records the outcomes; returns how many were sent. */
  async dispatchOnce(): Promise<number> {
    const leaseMs = this.settings.timeoutMs * 3;
    const { rows } = await this.pool.query<Claimed>(
      `WITH due AS (
         SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
         FROM due, webhooks w, notifications n
        WHERE d.id = due.id AND w.id = d.webhook_id AND n.id = d.notification_id
       RETURNING d.id, d.attempts, w.url, w.secret, n.user_id,
         json_build_object('id', n.id, 'kind', n.kind, 'title', n.title, 'body', n.body, 'data', n.data,
                           'createdAt', n.created_at) AS notification`,
      [this.settings.batchSize, leaseMs],
    );
    await Promise.all(rows.map((d) => this.send(d)));
    return rows.length;
  }

  private async send(d: Claimed): Promise<void> {
    const body = JSON.stringify({ deliveryId: d.id, userId: d.user_id, notification: d.notification });
    const started = performance.now();
    const outcome = await postJson(
      d.url,
      body,
      {
        'user-agent': 'Quire-Webhooks/1',
        'quire-delivery': d.id,
        'quire-event-kind': d.notification.kind,
        [signatureHeader.toLowerCase()]: signBody(d.secret, body),
      },
      { policy: this.settings.policy, timeoutMs: this.settings.timeoutMs },
    );
    const durationMs = Math.round(performance.now() - started);
    const status = 'status' in outcome ? outcome.status : undefined;
    const delivered = status !== undefined && status >= 200 && status < 300;
    const again =
      !delivered && (status === undefined || retryable(status)) && d.attempts < this.settings.maxAttempts;
    const backoff = Math.min(
      this.settings.maxBackoffMs,
      this.settings.initialBackoffMs * 2 ** (d.attempts - 1),
    );
    const next = Math.round(backoff * (0.75 + Math.random() / 2));
    await this.pool.query(
      `WITH attempt AS (
         INSERT INTO delivery_attempts (delivery_id, attempt, status_code, error, duration_ms) VALUES ($1, $2, $3, $4, $5))
       UPDATE webhook_deliveries SET status = $6, next_attempt_at = now() + $7 * interval '1 millisecond' WHERE id = $1`,
      [
        d.id,
        d.attempts,
        status ?? null,
        'error' in outcome ? outcome.error.slice(0, 500) : null,
        durationMs,
        delivered ? 'delivered' : again ? 'pending' : 'failed',
        again ? next : 0,
      ],
    );
    const log = { deliveryId: d.id, attempt: d.attempts, status, durationMs };
    if (delivered) this.logger.info(log, 'Delivered a webhook');
    else if (again) this.logger.warn({ ...log, retryInMs: next }, 'Failed to deliver a webhook; retrying');
    else this.logger.warn(log, 'Gave up on a webhook delivery');
  }

  /** Polls in the background until `stop`; `poke` cuts a pause short (after new notifications). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        let sent = 0;
        try {
          sent = await this.dispatchOnce();
        } catch (err) {
          this.logger.warn({ err: { message: (err as Error).message } }, 'Failed to dispatch webhooks');
        }
        if (sent > 0 || !this.running) continue;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.settings.pollMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
      }
    })();
  }

  poke(): void {
    this.wake?.();
  }

  /** Stops after the sends in flight. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }
}
