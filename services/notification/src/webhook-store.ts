/** Users' webhooks: registration (the secret is returned once), listing, removal and delivery history. */
import { randomUUID } from 'node:crypto';
import { InputError, NotFoundError } from '@quire/kit';
import type pg from 'pg';
import { newWebhookSecret } from './webhook-signature.js';
import { type TargetPolicy, urlProblem } from './webhook-target.js';

export interface WebhookView {
  id: string;
  url: string;
  kinds: string[];
  createdAt: string;
}

export interface DeliveryView {
  id: string;
  notificationId: string;
  status: string;
  attempts: { attempt: number; at: string; statusCode?: number; error?: string; durationMs: number }[];
}

interface Row {
  id: string;
  url: string;
  kinds: string[];
  created_at: Date;
}

const toView = (r: Row): WebhookView => ({
  id: r.id,
  url: r.url,
  kinds: r.kinds,
  createdAt: r.created_at.toISOString(),
});

/** A user may register this many webhooks: each notification is sent to every one. */
export const maxWebhooksPerUser = 10;

export async function createWebhook(
  pool: pg.Pool,
  userId: string,
  input: { url: string; kinds: string[] },
  policy: TargetPolicy,
): Promise<WebhookView & { secret: string }> {
  const problem = urlProblem(input.url, policy);
  if (problem)
    throw new InputError('The webhook URL is not accepted', [
      { field: 'url', rule: 'url', message: problem, in: 'body' },
    ]);
  const { rows: count } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM webhooks WHERE user_id = $1',
    [userId],
  );
  if ((count[0]?.n ?? 0) >= maxWebhooksPerUser) {
    throw new InputError(`A user may register at most ${maxWebhooksPerUser} webhooks`);
  }
  const secret = newWebhookSecret();
  const { rows } = await pool.query<Row>(
    'INSERT INTO webhooks (id, user_id, url, secret, kinds) VALUES ($1, $2, $3, $4, $5) RETURNING id, url, kinds, created_at',
    [randomUUID(), userId, input.url, secret, [...new Set(input.kinds)]],
  );
  return { ...toView(rows[0] as Row), secret };
}

export async function listWebhooks(pool: pg.Pool, userId: string): Promise<WebhookView[]> {
  const { rows } = await pool.query<Row>(
    'SELECT id, url, kinds, created_at FROM webhooks WHERE user_id = $1 ORDER BY created_at, id',
    [userId],
  );
  return rows.map(toView);
}

/** Removes a webhook with its pending deliveries. */
export async function deleteWebhook(pool: pg.Pool, userId: string, id: string): Promise<void> {
  const { rowCount } = await pool.query('DELETE FROM webhooks WHERE id = $1 AND user_id = $2', [id, userId]);
  if (!rowCount) throw new NotFoundError('No webhook of yours has this id');
}

/** The webhook's latest deliveries (50), each with every attempt. */
export async function deliveriesOf(
  pool: pg.Pool,
  userId: string,
  webhookId: string,
): Promise<DeliveryView[]> {
  const own = await pool.query('SELECT 1 FROM webhooks WHERE id = $1 AND user_id = $2', [webhookId, userId]);
  if (!own.rowCount) throw new NotFoundError('No webhook of yours has this id');
  const { rows } = await pool.query<{
    id: string;
    notification_id: string;
    status: string;
    attempts: {
      attempt: number;
      at: string;
      status_code: number | null;
      error: string | null;
      duration_ms: number;
    }[];
  }>(
    `SELECT d.id, d.notification_id, d.status,
            coalesce(json_agg(json_build_object('attempt', a.attempt, 'at', a.attempted_at, 'status_code', a.status_code,
                     'error', a.error, 'duration_ms', a.duration_ms) ORDER BY a.attempt)
                     FILTER (WHERE a.attempt IS NOT NULL), '[]') AS attempts
       FROM webhook_deliveries d LEFT JOIN delivery_attempts a ON a.delivery_id = d.id
      WHERE d.webhook_id = $1 GROUP BY d.id ORDER BY d.created_at DESC, d.id LIMIT 50`,
    [webhookId],
  );
  return rows.map((r) => ({
    id: r.id,
    notificationId: r.notification_id,
    status: r.status,
    attempts: r.attempts.map((a) => ({
      attempt: a.attempt,
      at: new Date(a.at).toISOString(),
      ...(a.status_code !== null ? { statusCode: a.status_code } : {}),
      ...(a.error !== null ? { error: a.error } : {}),
      durationMs: a.duration_ms,
    })),
  }));
}
