/**
 * What an export request carries, and who may have what exported.
 *
 * Data access: the Document service lists, in the request itself, every document to export with its
 * metadata, its readers and where its content is (`sourceBucket`, `objectKey`), as of the moment the
 * request was accepted. Export therefore never reads Document's schema (least privilege: its role
 * sees only its own) and needs no call back to Document on the hot path; the list is what the
 * requester could read when they asked. Export still checks every entry: a document whose readers do
 * not include the requester (and the requester is not an admin) is left out and named in the
 * manifest, so a faulty or forged entry cannot leak content. Schema version 2 of `export.requested`;
 * version 1 (without `documents`) cannot be exported and is reported failed. The schemas are the
 * kit's (`export-contract.ts`), which Document builds its requests from.
 */
import {
  ExportRequestCore as Core,
  type EventEnvelope,
  type ExportDocument,
  ExportRequestListing as Listing,
  UnprocessableEventError,
} from '@quire/kit';
import type { z } from 'zod';

export type { ExportDocument };

export type ExportRequest = z.output<typeof Core> & Partial<z.output<typeof Listing>>;

/** Reads a request; one without an export id or requester cannot even be reported and is dead-lettered. */
export function parseExportRequest(event: EventEnvelope): ExportRequest & { problem?: string } {
  const core = Core.safeParse(event.data);
  if (!core.success)
    throw new UnprocessableEventError(`The export request is invalid: ${core.error.issues[0]?.message}`);
  const listing = Listing.safeParse(event.data);
  if (!listing.success) {
    return {
      ...core.data,
      problem: 'The request does not list the documents to export (export.requested schema 2)',
    };
  }
  if (core.data.format !== 'zip')
    return { ...core.data, problem: `The format ${core.data.format} is not supported` };
  return { ...core.data, ...listing.data };
}

/** Splits the listed documents into those the requester may read and those left out. */
export function readableBy(request: ExportRequest): { allowed: ExportDocument[]; refused: ExportDocument[] } {
  const allowed: ExportDocument[] = [];
  const refused: ExportDocument[] = [];
  for (const d of request.documents ?? []) {
    (request.requesterIsAdmin || d.readers.includes(request.requestedBy) ? allowed : refused).push(d);
  }
  return { allowed, refused };
}
