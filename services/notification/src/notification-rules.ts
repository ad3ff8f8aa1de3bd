/**
 * Which events concern whom: a document shared with you, your document deleted by someone else (an
 * admin), a deleted document of yours or shared with you restored, your export being ready (or failed), a login to your account from a device it has
 * not used before. Rules read and keep the little state they need (who a document was shared with,
 * the devices of each account) on the consumer's transaction, so a redelivered event changes neither
 * the state nor the notifications; what each event then calls for is decided by pure functions.
 */
import { createHash } from 'node:crypto';
import type { EventEnvelope } from '@quire/kit';
import type pg from 'pg';
import { z } from 'zod';

export const notificationKinds = [
  'document.shared',
  'document.deleted',
  'document.restored',
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

type DocumentSnapshot = z.infer<typeof DocumentData>['document'];

/** Keeps the sharees of every document event's version and returns the notifications the event calls for. */
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
  // Without earlier state (the service started after the document was made) every sharee counts as new.
  return documentDrafts(event.type, actor, d, known?.sharees ?? []);
}

/**
 * What a document event calls for, given who the document was shared with before it: a share tells
 * the users it adds; a delete by someone else tells the owner how to get it back (see `deletedDrafts`);
 * a restore tells everyone who has the document back (see `restoredDrafts`). Nobody is told of what
 * they did themselves; other document events concern nobody.
 */
export function documentDrafts(
  type: string,
  actor: string,
  d: DocumentSnapshot,
  shareesBefore: readonly string[],
): Draft[] {
  if (type === 'document.shared') return sharedDrafts(actor, d, shareesBefore);
  if (type === 'document.deleted') return deletedDrafts(actor, d);
  if (type === 'document.restored') return restoredDrafts(actor, d);
  return [];
}

const access = (permission: string) => (permission === 'write' ? 'read and edit' : 'read');

function sharedDrafts(actor: string, d: DocumentSnapshot, shareesBefore: readonly string[]): Draft[] {
  const before = new Set(shareesBefore);
  return d.shares
    .filter((s) => !before.has(s.userId) && s.userId !== actor)
    .map((s) => ({
      userId: s.userId,
      kind: 'document.shared' as const,
      title: `"${d.title}" was shared with you`,
      body: `You can now ${access(s.permission)} "${d.title}".`,
      data: { documentId: d.id, title: d.title, permission: s.permission, sharedBy: actor },
    }));
}

/**
 * A document deleted by someone other than its owner (only an admin may) is news to the owner, who
 * can still undo it while the content is kept: the notice says where. Its sharees lose it too, but
 * they could not restore it, so only the owner is told (as a restore by the owner tells them).
 */
function deletedDrafts(actor: string, d: DocumentSnapshot): Draft[] {
  if (d.ownerId === actor) return [];
  return [
    {
      userId: d.ownerId,
      kind: 'document.deleted',
      title: `"${d.title}" was deleted`,
      body: `Your document "${d.title}" was deleted by someone else. You can restore it, with its sharing, from Trash in the web app or with \`quire docs restore ${d.id}\`, until its content is removed.`,
      data: { documentId: d.id, title: d.title, deletedBy: actor },
    },
  ];
}

/**
 * A restore gives the document back to its owner and to every user it is shared with (it comes back
 * with the shares it had): the sharees lost it when it was deleted and now find it again, and the
 * owner hears when someone else (an admin) brought it back. The one who restored it is not told.
 */
function restoredDrafts(actor: string, d: DocumentSnapshot): Draft[] {
  const data = { documentId: d.id, title: d.title, restoredBy: actor };
  const owner: Draft[] =
    d.ownerId === actor
      ? []
      : [
          {
            userId: d.ownerId,
            kind: 'document.restored',
            title: `"${d.title}" was restored`,
            body: `Your deleted document "${d.title}" was restored by someone else, with the sharing it had.`,
            data,
          },
        ];
  const sharees = d.shares
    .filter((s) => s.userId !== actor && s.userId !== d.ownerId)
    .map((s) => ({
      userId: s.userId,
      kind: 'document.restored' as const,
      title: `"${d.title}" is back`,
      body: `"${d.title}" was deleted and has been restored: you can ${access(s.permission)} it again.`,
      data: { ...data, permission: s.permission },
    }));
  return [...owner, ...sharees];
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
