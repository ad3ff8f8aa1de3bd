/**
 * Applies document events to the index. Each event carries the whole document at its version, and
 * is written with that version as the engine's external version: an event seen twice, or one older
 * than what the index holds, is refused by the engine ('stale') and changes nothing, whatever order
 * events arrive in. Deletions are written as tombstones for the same reason.
 */
import type { EventEnvelope } from '@quire/kit';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { SearchEngine } from './engine.js';

/** The part of a document event's snapshot (schema version 1) the index uses. */
const Snapshot = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  ownerId: z.string(),
  title: z.string(),
  contentType: z.string(),
  size: z.number(),
  tags: z.array(z.string()),
  readers: z.array(z.string()),
  text: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  deleted: z.boolean(),
});
const DocumentEventData = z.object({ document: Snapshot });

export type Outcome = 'applied' | 'stale' | 'ignored';

export class DocumentIndexer {
  constructor(
    private readonly engine: SearchEngine,
    /** The alias writes go through. */
    private readonly alias: string,
    private readonly logger: Logger,
  ) {}

  /** Applies one event; throws only when the engine fails (the consumer then retries). */
  async apply(event: EventEnvelope): Promise<Outcome> {
    if (!event.type.startsWith('document.')) return 'ignored';
    const parsed = event.schemaVersion === 1 ? DocumentEventData.safeParse(event.data) : undefined;
    if (!parsed?.success) {
      this.logger.warn(
        { eventId: event.id, type: event.type, schemaVersion: event.schemaVersion },
        'Ignored an event it cannot read',
      );
      return 'ignored';
    }
    const d = parsed.data.document;
    return this.engine.put(this.alias, d.id, d.version, {
      id: d.id,
      title: d.title,
      tags: d.tags,
      text: d.text ?? '',
      ownerId: d.ownerId,
      readers: d.readers,
      contentType: d.contentType,
      size: d.size,
      createdAt: d.createdAt,
      updatedAt: d.updatedAt,
      deleted: d.deleted,
    });
  }
}
