/**
 * Notifications and preferences in PostgreSQL. `deliver` runs on the consumer's transaction: it
 * applies the user's preferences, stores the notification and queues one delivery per matching
 * webhook, so what the dispatcher sends is exactly what was committed.
 */
import { randomUUID } from 'node:crypto';
import { decodeCursor, encodeCursor, NotFoundError } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';
import { type Draft, type NotificationKind, notificationKinds } from './notification-rules.js';

export interface NotificationView {
  id: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
  readAt?: string;
}

export interface Preference {
  kind: NotificationKind;
  inApp: boolean;
  webhook: boolean;
}

interface Row {
  id: string;
  seq: string;
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

const toView = (r: Row): NotificationView => ({
  id: r.id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  data: r.data,
  createdAt: r.created_at.toISOString(),
  ...(r.read_at ? { readAt: r.read_at.toISOString() } : {}),
});

const Position = z.object({ seq: z.number().int().positive() });

/** Stores a notification as the user's preferences want it, with its webhook deliveries; false when nothing was wanted. */
export async function deliver(client: pg.ClientBase, eventId: string, draft: Draft): Promise<boolean> {
  const { rows: prefs } = await client.query<{ in_app: boolean; webhook: boolean }>(
    'SELECT in_app, webhook FROM preferences WHERE user_id = $1 AND kind = $2',
    [draft.userId, draft.kind],
  );
  const inApp = prefs[0]?.in_app ?? true;
  const webhook = prefs[0]?.webhook ?? true;
  if (!inApp && !webhook) return false;
  const id = randomUUID();
  const inserted = await client.query(
    `INSERT INTO notifications (id, user_id, kind, title, body, data, event_id, in_app)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (event_id, user_id, kind) DO NOTHING`,
    [id, draft.userId, draft.kind, draft.title, draft.body, draft.data, eventId, inApp],
  );
  if (inserted.rowCount === 0) return false;
  if (webhook) {
    await client.query(
      `INSERT INTO webhook_deliveries (id, webhook_id, notification_id)
       SELECT gen_random_uuid(), w.id, $2 FROM webhooks w
        WHERE w.user_id = $1 AND (cardinality(w.kinds) = 0 OR $3 = ANY (w.kinds))`,
      [draft.userId, id, draft.kind],
    );
  }
  return true;
}

/** A user's in-app notifications, newest first, a page at a time. */
export async function listNotifications(
  pool: pg.Pool,
  userId: string,
  q: { unread?: boolean | undefined; limit: number; cursor?: string | undefined },
): Promise<{ items: NotificationView[]; nextCursor?: string }> {
  const before = q.cursor ? decodeCursor(q.cursor, Position).seq : undefined;
  const { rows } = await pool.query<Row>(
    `SELECT id, seq, kind, title, body, data, created_at, read_at FROM notifications
      WHERE user_id = $1 AND in_app AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
        AND ($3::bigint IS NULL OR seq < $3) ORDER BY seq DESC LIMIT $4`,
    [userId, q.unread ?? false, before ?? null, q.limit + 1],
  );
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  const items = page.map(toView);
  return rows.length > q.limit && last
    ? { items, nextCursor: encodeCursor({ seq: Number(last.seq) }) }
    : { items };
}

/** Marks one of the user's notifications read (once: reading again keeps the first time). */
export async function markRead(pool: pg.Pool, userId: string, id: string): Promise<NotificationView> {
  const { rows } = await pool.query<Row>(
    `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 AND in_app
     RETURNING id, seq, kind, title, body, data, created_at, read_at`,
    [id, userId],
  );
  if (!rows[0]) throw new NotFoundError('No notification of yours has this id');
  return toView(rows[0]);
}

/** The user's preference for every kind (both channels on where none was set). */
export async function preferencesOf(pool: pg.Pool, userId: string): Promise<Preference[]> {
  const { rows } = await pool.query<{ kind: string; in_app: boolean; webhook: boolean }>(
    'SELECT kind, in_app, webhook FROM preferences WHERE user_id = $1',
    [userId],
  );
  const set = new Map(rows.map((r) => [r.kind, r]));
  return notificationKinds.map((kind) => ({
    kind,
    inApp: set.get(kind)?.in_app ?? true,
    webhook: set.get(kind)?.webhook ?? true,
  }));
}

/** Sets where the user wants one kind. */
export async function setPreference(pool: pg.Pool, userId: string, p: Preference): Promise<Preference> {
  await pool.query(
    `INSERT INTO preferences (user_id, kind, in_app, webhook) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, kind) DO UPDATE SET in_app = excluded.in_app, webhook = excluded.webhook`,
    [userId, p.kind, p.inApp, p.webhook],
  );
  return p;
}
