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

export const VerifyQuery = z
  .strictObject({
    full: z.stringbool().optional().meta({
      description:
        'Walk every entry from the first, re-hashing the ones checkpoints cover, instead of only those after the last checkpoint that matches',
    }),
  })
  .meta({ id: 'AuditVerifyQuery' });

export const Checkpoint = z
  .object({
    seq: z.number().int().meta({ description: 'The entry whose hash was recorded' }),
    hash: z.string().meta({ description: "That entry's hash, which covers every entry up to it" }),
    at: z.iso.datetime().meta({ description: 'When the checkpoint was recorded' }),
  })
  .meta({ id: 'AuditCheckpoint' });

export const CheckpointFailure = Checkpoint.extend({
  reason: z.enum(['truncated', 'missing-entry', 'hash-mismatch']).meta({
    description:
      'truncated: the log ends before the checkpoint; missing-entry: its entry was removed; hash-mismatch: the entries up to it were rewritten',
  }),
  detail: z.string().meta({ description: 'What was found, in a sentence' }),
}).meta({ id: 'AuditCheckpointFailure' });

export const Verification = z
  .object({
    valid: z.boolean().meta({ description: 'Every link walked held and every checkpoint matched' }),
    checked: z.number().int().meta({ description: 'Entries the walk checked, up to the first broken one' }),
    head: z.object({ seq: z.number().int(), hash: z.string() }).optional(),
    firstBroken: z
      .object({
        seq: z.number().int(),
        eventId: z.string(),
        reason: z.enum(['hash-mismatch', 'previous-hash-mismatch', 'missing-entry']),
      })
      .optional(),
    mode: z.enum(['incremental', 'full']).meta({
      description: 'incremental walks from the last checkpoint that matches; full from the first entry',
    }),
    from: z.number().int().meta({ description: 'The walk checked the entries after this seq (0: all)' }),
    checkpoints: z
      .object({
        checked: z.number().int().meta({ description: 'Stored checkpoints checked against the chain' }),
        failed: z.number().int().meta({ description: 'How many no longer match' }),
        latest: Checkpoint.optional().meta({
          description:
            'The newest stored checkpoint: compare it with the copy published on quire.audit.events',
        }),
        firstFailed: CheckpointFailure.optional(),
      })
      .meta({ id: 'AuditCheckpointCheck' }),
  })
  .meta({ id: 'AuditVerification' });
