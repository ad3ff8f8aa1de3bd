/**
 * The events Document publishes. Document events go to `quire.document.events` keyed by document id
 * (one document's events stay in order on one partition) and each carries the whole document as of
 * its version, so a consumer such as the search index can apply any event on its own and ignore
 * one older than what it has. Export requests go to `quire.export.requests` keyed by export id, and
 * their outcomes come back on `quire.export.results`.
 */
import {
  type ExportRequestedData,
  eventTopic,
  exportEventTypes,
  exportRequestSchemaVersion,
  newEvent,
} from '@quire/kit';
import { readersOf, type StoredDocument } from './document-model.js';

/** The topics Document writes to and reads export outcomes from; tests use their own. */
export interface DocumentTopics {
  events: string;
  exports: string;
  exportResults: string;
}

export const defaultTopics: DocumentTopics = {
  events: eventTopic('document'),
  exports: 'quire.export.requests',
  exportResults: 'quire.export.results',
};

export const documentEventTypes = {
  created: 'document.created',
  updated: 'document.updated',
  shared: 'document.shared',
  unshared: 'document.unshared',
  deleted: 'document.deleted',
  /** A soft delete undone: the snapshot says `deleted: false` again, so the index shows it again. */
  restored: 'document.restored',
} as const;
export type DocumentEventType = (typeof documentEventTypes)[keyof typeof documentEventTypes];

/** Version 1 of the document events' `data`. */
export const documentEventSchemaVersion = 1;

/** The document as of one version, as events carry it. */
export interface DocumentSnapshot {
  id: string;
  version: number;
  ownerId: string;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
  tags: string[];
  /** Every user who may read it: the owner and the users it is shared with. */
  readers: string[];
  shares: { userId: string; permission: string }[];
  /** The start of the text of text formats. */
  text?: string;
  createdAt: string;
  updatedAt: string;
  deleted: boolean;
}

export function snapshotOf(doc: StoredDocument): DocumentSnapshot {
  return {
    id: doc.id,
    version: doc.version,
    ownerId: doc.ownerId,
    title: doc.title,
    contentType: doc.contentType,
    size: doc.size,
    sha256: doc.sha256,
    tags: doc.tags,
    readers: readersOf(doc),
    shares: doc.shares,
    ...(doc.text !== undefined ? { text: doc.text } : {}),
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
    deleted: doc.deletedAt !== undefined,
  };
}

/** An event about a document at its current version, naming who made the change and what changed. */
export const documentEvent = (
  type: DocumentEventType,
  doc: StoredDocument,
  actor: string,
  changed: string[] = [],
) =>
  newEvent({
    type,
    source: 'document',
    subject: doc.id,
    schemaVersion: documentEventSchemaVersion,
    data: { actor, changed, version: doc.version, document: snapshotOf(doc) },
  });

/**
 * The request for the Export service to export documents: schema version 2 of the kit's export
 * contract, listing each document with its readers and where its content is.
 */
export const exportRequested = (data: ExportRequestedData) =>
  newEvent({
    type: exportEventTypes.requested,
    source: 'document',
    subject: data.exportId,
    schemaVersion: exportRequestSchemaVersion,
    data,
  });
