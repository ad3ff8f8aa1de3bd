/**
 * Documents in PostgreSQL. Every change runs in one transaction that locks the document's row,
 * checks the caller's access and the If-Match version on the locked row, applies the change, bumps
 * the version and writes the event to the outbox: a change is committed with its event or not at all.
 */
import {
  ConflictError,
  enqueueEvent,
  GoneError,
  NotFoundError,
  PreconditionError,
  type Principal,
  withTransaction,
} from '@quire/kit';
import type pg from 'pg';
import type { ReceivedContent } from './content-receiver.js';
import {
  type DocumentEventType,
  type DocumentTopics,
  documentEvent,
  documentEventTypes,
} from './document-events.js';
import {
  type Access,
  type DocumentRow,
  documentColumns,
  type Permission,
  requireAccess,
  type StoredDocument,
  sharesOf,
  toStored,
} from './document-model.js';
import type { ObjectStore } from './object-store.js';

/** One change: its SQL on the locked document, the event type and the fields it changed. */
interface Change {
  type: DocumentEventType;
  changed: string[];
  apply: (client: pg.PoolClient, doc: StoredDocument) => Promise<void>;
}

export class DocumentStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly topics: DocumentTopics,
    /** Seconds replaced or deleted content stays in storage. */
    private readonly retentionSeconds: number,
    /** Where the content is: a restore checks it is still there. */
    private readonly objects: Pick<ObjectStore, 'exists'>,
  ) {}

  /** Loads a live document (or, with `includeDeleted`, a deleted one too). */
  async load(db: pg.ClientBase | pg.Pool, id: string, lock = false, includeDeleted = false) {
    const { rows } = await db.query<DocumentRow>(
      `SELECT ${documentColumns} FROM documents WHERE id = $1${includeDeleted ? '' : ' AND deleted_at IS NULL'}
       ${lock ? 'FOR UPDATE' : ''}`,
      [id],
    );
    if (!rows[0]) throw new NotFoundError('No document has this id');
    return toStored(rows[0], (await sharesOf(db, [id])).get(id) ?? []);
  }

  /** The document, when the caller may at least read it (404 otherwise). */
  async get(id: string, principal: Principal, needed: Exclude<Access, 'none'> = 'read') {
    const doc = await this.load(this.pool, id);
    requireAccess(principal, doc, needed);
    return doc;
  }

  /** Records a new document whose content was received; its first version is 1. */
  async create(
    id: string,
    owner: string,
    meta: { title: string; tags: string[] },
    content: ReceivedContent,
  ): Promise<StoredDocument> {
    return withTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO documents (id, owner_id, title, content_type, size_bytes, sha256, object_key, text_excerpt, tags)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          id,
          owner,
          meta.title,
          content.contentType,
          content.size,
          content.sha256,
          content.key,
          content.text ?? null,
          meta.tags,
        ],
      );
      await client.query('DELETE FROM object_cleanup WHERE object_key = $1', [content.key]);
      const doc = await this.load(client, id);
      await enqueueEvent(client, this.topics.events, documentEvent(documentEventTypes.created, doc, owner));
      return doc;
    });
  }

  /** Makes received content the document's new version; the old content goes to the cleanup. */
  replaceContent(id: string, principal: Principal, version: number | undefined, content: ReceivedContent) {
    return this.change(id, principal, 'write', version, {
      type: documentEventTypes.updated,
      changed: ['content'],
      apply: async (client, doc) => {
        await client.query(
          `UPDATE documents SET content_type = $2, size_bytes = $3, sha256 = $4, object_key = $5, text_excerpt = $6
            WHERE id = $1`,
          [id, content.contentType, content.size, content.sha256, content.key, content.text ?? null],
        );
        await client.query('DELETE FROM object_cleanup WHERE object_key = $1', [content.key]);
        await this.scheduleRemoval(client, doc.objectKey);
      },
    });
  }

  /** Changes the title or tags. */
  updateMetadata(
    id: string,
    principal: Principal,
    version: number | undefined,
    input: { title?: string | undefined; tags?: string[] | undefined },
  ) {
    const changed = Object.entries(input)
      .filter(([, v]) => v !== undefined)
      .map(([k]) => k);
    return this.change(id, principal, 'write', version, {
      type: documentEventTypes.updated,
      changed,
      apply: async (client) => {
        await client.query(
          'UPDATE documents SET title = coalesce($2, title), tags = coalesce($3, tags) WHERE id = $1',
          [id, input.title ?? null, input.tags ?? null],
        );
      },
    });
  }

  /** Soft-deletes the document: the row stays for its version history, the content goes to the cleanup. */
  delete(id: string, principal: Principal, version: number | undefined) {
    return this.change(id, principal, 'own', version, {
      type: documentEventTypes.deleted,
      changed: ['deleted'],
      apply: async (client, doc) => {
        await client.query('UPDATE documents SET deleted_at = now() WHERE id = $1', [id]);
        await this.scheduleRemoval(client, doc.objectKey);
      },
    });
  }

  /**
   * Undoes a soft delete while the content is still in storage (owner or admin). It cannot race the
   * cleanup into a document without content: the cleanup holds an object's `object_cleanup` row
   * (FOR UPDATE, skipping rows others hold) from before it removes the object until it commits. The
   * restore deletes that row in its own transaction, after locking the document: either the cleanup
   * got there first, and the restore waits for it and then finds no row (too late), or the restore
   * holds the row and the cleanup skips it and never sees it again. The object is also looked up, in
   * case a cleanup removed it but failed to commit, leaving its row behind.
   */
  restore(id: string, principal: Principal): Promise<StoredDocument> {
    return withTransaction(this.pool, async (client) => {
      const before = await this.load(client, id, true, true);
      requireAccess(principal, before, 'own');
      if (before.deletedAt === undefined) {
        throw new ConflictError('The document is not deleted: there is nothing to restore');
      }
      const { rowCount } = await client.query('DELETE FROM object_cleanup WHERE object_key = $1', [
        before.objectKey,
      ]);
      if (!rowCount || !(await this.objects.exists(before.objectKey))) {
        throw new GoneError(
          'The document was deleted and its content has since been removed: it is too late to restore it',
        );
      }
      await client.query('UPDATE documents SET deleted_at = NULL WHERE id = $1', [id]);
      return this.commit(client, id, principal, documentEventTypes.restored, ['deleted']);
    });
  }

  /** Shares the document with a user, or changes their permission. */
  share(
    id: string,
    principal: Principal,
    version: number | undefined,
    userId: string,
    permission: Permission,
  ) {
    return this.change(id, principal, 'own', version, {
      type: documentEventTypes.shared,
      changed: ['shares'],
      apply: async (client) => {
        await client.query(
          `INSERT INTO document_shares (document_id, user_id, permission) VALUES ($1, $2, $3)
           ON CONFLICT (document_id, user_id) DO UPDATE SET permission = excluded.permission`,
          [id, userId, permission],
        );
      },
    });
  }

  /** Stops sharing the document with a user; 404 when it was not shared with them. */
  unshare(id: string, principal: Principal, version: number | undefined, userId: string) {
    return this.change(id, principal, 'own', version, {
      type: documentEventTypes.unshared,
      changed: ['shares'],
      apply: async (client) => {
        const { rowCount } = await client.query(
          'DELETE FROM document_shares WHERE document_id = $1 AND user_id = $2',
          [id, userId],
        );
        if (!rowCount) throw new NotFoundError('The document is not shared with this user');
      },
    });
  }

  private async change(
    id: string,
    principal: Principal,
    needed: Exclude<Access, 'none'>,
    version: number | undefined,
    change: Change,
  ): Promise<StoredDocument> {
    return withTransaction(this.pool, async (client) => {
      const before = await this.load(client, id, true);
      requireAccess(principal, before, needed);
      if (version !== undefined && before.version !== version) throw new PreconditionError(false);
      await change.apply(client, before);
      return this.commit(client, id, principal, change.type, change.changed);
    });
  }

  /** Ends a change on the locked document: bumps its version and writes its event to the outbox. */
  private async commit(
    client: pg.PoolClient,
    id: string,
    principal: Principal,
    type: DocumentEventType,
    changed: string[],
  ): Promise<StoredDocument> {
    await client.query('UPDATE documents SET version = version + 1, updated_at = now() WHERE id = $1', [id]);
    const after = await this.load(client, id, false, true);
    await enqueueEvent(client, this.topics.events, documentEvent(type, after, principal.subject, changed));
    return after;
  }

  private async scheduleRemoval(client: pg.PoolClient, key: string): Promise<void> {
    await client.query(
      `INSERT INTO object_cleanup (object_key, not_before) VALUES ($1, now() + $2 * interval '1 second')
       ON CONFLICT (object_key) DO UPDATE SET not_before = excluded.not_before`,
      [key, this.retentionSeconds],
    );
  }
}
