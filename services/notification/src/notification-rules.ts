/**
 * Which events concern whom: a document shared with you, your export being ready (or failed), a
 * login to your account from a device it has not used before. Rules read and keep the little state
 * they need (who a document was shared with, the devices of each account) on the consumer's
 * transaction, so a redelivered event changes neither the state nor the notifications.
 */
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';

export const notificationKinds = [
  'document.shared',
  'export.ready',
  'export.failed',
  'login.new_device',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** A notification for one user, before preferences decide where it goes. */
export interface Draft {
  userId: string;
  kind: NotificationKind;
  title: string;
  body: string;
  data: Record<string, unknown>;
}

const DocumentData = z.object({
  actor: z.string(),
  document: z.object({
    id: z.string(),
    version: z.number().int(),
    title: z.string(),
    ownerId: z.string(),
    shares: z.array(z.object({ userId: z.string(), permission: z.string() })),
  }),
});

/** Notifies the users a document.shared event adds; keeps the sharees of every document event's version. */
async function documentRule(client: pg.ClientBase, event: EventEnvelope): Promise<Draft[]> {
  const parsed = DocumentData.safeParse(event.data);
  if (!parsed.success) return [];
  const { actor, document: d } = parsed.data;
  const sharees = d.shares.map((s) => s.userId);
  const { rows } = await client.query<{ version: number; sharees: string[] }>(
    'SELECT version, sharees FROM document_sharees WHERE document_id = $1 FOR UPDATE',
    [d.id],
  );
  const known = rows[0];
  // Events of one document arrive in order on one partition; an older one (a replay) changes nothing.
  if (known && known.version >= d.version) return [];
  await client.query(
    `INSERT INTO document_sharees (document_id, version, sharees) VALUES ($1, $2, $3)
     ON CONFLICT (document_id) DO UPDATE SET version = excluded.version, sharees = excluded.sharees`,
    [d.id, d.version, sharees],
  );
  if (event.type !== 'document.shared') return [];
  // Without earlier state (the service started after the document was made) every sharee counts as new.
  const before = new Set(known?.sharees ?? []);
  return d.shares
    .filter((s) => !before.has(s.userId) && s.userId !== actor)
    .map((s) => ({
      userId: s.userId,
      kind: 'document.shared' as const,
      title: `"${d.title}" was shared with you`,
      body: `You can now ${s.permission === 'write' ? 'read and edit' : 'read'} "${d.title}".`,
      data: { documentId: d.id, title: d.title, permission: s.permission, sharedBy: actor },
    }));
}

const LoginData = z.object({ address: z.string().optional(), userAgent: z.string().optional() });

/** A device: the user agent Auth saw (the address alone when it sent none), hashed. */
export const deviceFingerprint = (d: { address?: string | undefined; userAgent?: string | undefined }) =>
  createHash('sha256')
    .update(d.userAgent ? `ua:${d.userAgent}` : `address:${d.address ?? ''}`)
    .digest('hex');

/** Notifies a login from a device the account has not used; an account's first device is only remembered. */
async function loginRule(client: pg.ClientBase, event: EventEnvelope): Promise<Draft[]> {
  const parsed = LoginData.safeParse(event.data);
  if (!parsed.success) return [];
  const userId = event.subject;
  const { rows } = await client.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM known_devices WHERE user_id = $1',
    [userId],
  );
  const inserted = await client.query(
    'INSERT INTO known_devices (user_id, fingerprint) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [userId, deviceFingerprint(parsed.data)],
  );
  if (inserted.rowCount === 0 || (rows[0]?.n ?? 0) === 0) return [];
  const { address, userAgent } = parsed.data;
  return [
    {
      userId,
      kind: 'login.new_device',
      title: 'New login from an unknown device',
      body: `Your account was used from ${userAgent ?? 'an unknown browser'}${address ? ` at ${address}` : ''}. If this was not you, change your password.`,
      data: { address, userAgent, at: event.time },
    },
  ];
}

const ExportData = z.object({
  exportId: z.string(),
  requestedBy: z.string(),
  documentCount: z.number().int().optional(),
  downloadUrl: z.string().optional(),
  expiresAt: z.string().optional(),
  reason: z.string().optional(),
});

/** Tells the requester an export is ready (with its link) or failed. */
function exportRule(event: EventEnvelope): Draft[] {
  const parsed = ExportData.safeParse(event.data);
  if (!parsed.success) return [];
  const e = parsed.data;
  return event.type === 'export.ready'
    ? [
        {
          userId: e.requestedBy,
          kind: 'export.ready',
          title: 'Your export is ready',
          body: `${e.documentCount ?? 'Your'} documents are ready to download until ${e.expiresAt ?? 'the link expires'}.`,
          data: {
            exportId: e.exportId,
            downloadUrl: e.downloadUrl,
            expiresAt: e.expiresAt,
            documentCount: e.documentCount,
          },
        },
      ]
    : [
        {
          userId: e.requestedBy,
          kind: 'export.failed',
          title: 'Your export failed',
          body: e.reason ?? 'The export could not be built.',
          data: { exportId: e.exportId, reason: e.reason },
        },
      ];
}

/** The notifications an event calls for (none for events that concern nobody). */
export async function draftsFor(client: pg.ClientBase, event: EventEnvelope): Promise<Draft[]> {
  if (event.type.startsWith('document.')) return documentRule(client, event);
  if (event.type === 'auth.logged_in') return loginRule(client, event);
  if (event.type === 'export.ready' || event.type === 'export.failed') return exportRule(event);
  return [];
}
