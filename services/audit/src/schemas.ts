/** The Audit API's shapes: zod schemas that validate requests and document them in OpenAPI. */
import { z } from 'zod';

export const EntryQuery = z
  .strictObject({
    actor: z.string().min(1).max(500).optional(),
    subject: z.string().min(1).max(500).optional(),
    action: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'An event type, such as document.shared' }),
    from: z.iso
      .datetime({ offset: true })
      .optional()
      .meta({ description: 'Entries that occurred at or after' }),
    to: z.iso.datetime({ offset: true }).optional().meta({ description: 'Entries that occurred before' }),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    cursor: z.string().max(200).optional(),
  })
  .meta({ id: 'AuditEntryQuery' });

export const AuditEntry = z
  .object({
    seq: z.number().int().meta({ description: 'Position in the chain, from 1, without gaps' }),
    eventId: z.string(),
    occurredAt: z.iso.datetime(),
    recordedAt: z.iso.datetime(),
    source: z.string(),
    action: z.string(),
    actor: z.string().nullable(),
    subject: z.string(),
    data: z.unknown(),
    prevHash: z.string(),
    hash: z.string().meta({ description: 'SHA-256 of the canonical JSON of the entry and prevHash' }),
  })
  .meta({ id: 'AuditEntry' });

export const EntryPage = z
  .object({ items: z.array(AuditEntry), nextCursor: z.string().optional() })
  .meta({ id: 'AuditEntryPage' });

export const Verification = z
  .object({
    valid: z.boolean(),
    checked: z.number().int(),
    head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
    firstBroken: z
      .object({
        seq: z.number().int(),
        eventId: z.string(),
        reason: z.enum(['hash-mismatch', 'previous-hash-mismatch', 'missing-entry']),
      })
      .optional(),
  })
  .meta({ id: 'AuditVerification' });
