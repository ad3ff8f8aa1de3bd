/**
 * The contract between the two ends of an export: the request Document publishes on
 * `quire.export.requests` (`export.requested`, schema version 2) and the outcome Export publishes
 * on `quire.export.results` (`export.ready` or `export.failed`). Services share nothing but the kit,
 * so both payloads are defined once here: Document builds what Export parses, and Document parses
 * what Export publishes.
 *
 * Data access: Document lists, in the request itself, every document to export with its metadata,
 * its readers and where its content is (`sourceBucket`, `objectKey`), as the requester could read
 * them when they asked. Export never reads Document's schema and does not call back into Document.
 */
import { z } from 'zod';

/** The event types of an export's life. */
export const exportEventTypes = {
  requested: 'export.requested',
  ready: 'export.ready',
  failed: 'export.failed',
} as const;

/** The version of `export.requested` that lists the documents (version 1 named only the owner). */
export const exportRequestSchemaVersion = 2;

/** One document to export, as of the moment the request was accepted. */
export const ExportDocument = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  title: z.string(),
  contentType: z.string(),
  size: z.number().int().min(0),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Where the content is in `sourceBucket`. */
  objectKey: z.string().min(1),
  tags: z.array(z.string()).default([]),
  /** Everyone who may read it (the owner and its sharees); Export checks the requester is among them. */
  readers: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ExportDocument = z.output<typeof ExportDocument>;

/** Who asked for whose export, in every version: without it a request cannot even be reported. */
export const ExportRequestCore = z.object({
  exportId: z.uuid(),
  requestedBy: z.string().min(1),
  ownerId: z.string().min(1),
  format: z.string().default('zip'),
});

/** What version 2 adds: where the content is, and the documents with their readers. */
export const ExportRequestListing = z.object({
  /** An admin may export documents whose readers do not include them. */
  requesterIsAdmin: z.boolean().default(false),
  sourceBucket: z.string().min(3),
  documents: z.array(ExportDocument).max(10_000),
});

/** The data of a version 2 `export.requested`, as Document builds it. */
export type ExportRequestedData = z.output<typeof ExportRequestCore> & z.output<typeof ExportRequestListing>;

const OutcomeCore = z.object({
  exportId: z.uuid(),
  requestedBy: z.string().min(1),
  ownerId: z.string().min(1),
});

/** The data of `export.ready`: the archive's presigned download link and when it stops working. */
export const ExportReady = OutcomeCore.extend({
  downloadUrl: z.url(),
  expiresAt: z.iso.datetime({ offset: true }),
  archiveBytes: z.number().int().min(0),
  documentCount: z.number().int().min(0),
  /** Listed documents left out because the requester may not read them. */
  skippedCount: z.number().int().min(0),
});
export type ExportReady = z.output<typeof ExportReady>;

/** The data of `export.failed`: why, in words for the requester. */
export const ExportFailed = OutcomeCore.extend({ reason: z.string() });
export type ExportFailed = z.output<typeof ExportFailed>;
