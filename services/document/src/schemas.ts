/** The request and response shapes of the Document API; they validate requests and document them. */
import { z } from 'zod';

const title = z.string().trim().min(1).max(200);
const tag = z.string().trim().min(1).max(50);
/** Tags as `tags=a,b` or repeated `tags=a&tags=b`; stored lower-case and without repeats. */
const tagList = z
  .union([z.string(), z.array(z.string())])
  .transform((v) =>
    (Array.isArray(v) ? v : [v]).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()),
  )
  .pipe(z.array(tag).max(20))
  .transform((tags) => [...new Set(tags)]);
const sha256 = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'must be the hex SHA-256 of the content')
  .transform((s) => s.toLowerCase());
const declaredSize = z.coerce.number().int().min(0).meta({ description: 'The size of the content in bytes' });

export const DocumentId = z.strictObject({ id: z.uuid() });
export const ShareTarget = z.strictObject({ id: z.uuid(), userId: z.string().min(1).max(200) });

export const UploadQuery = z.strictObject({
  title,
  tags: tagList.optional(),
  size: declaredSize.optional(),
  sha256: sha256.optional().meta({ description: 'The hex SHA-256 of the content, verified on arrival' }),
});

export const ContentQuery = z.strictObject({ size: declaredSize.optional(), sha256: sha256.optional() });

export const UpdateDocument = z
  .strictObject({ title: title.optional(), tags: tagList.optional() })
  .refine((u) => u.title !== undefined || u.tags !== undefined, { message: 'must change at least one field' })
  .meta({ id: 'UpdateDocument' });

export const ShareBody = z.strictObject({ permission: z.enum(['read', 'write']) }).meta({ id: 'Share' });

export const ListDocumentsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  owner: z.string().min(1).max(200).optional().meta({ description: "Only this owner's documents" }),
  tags: tagList.optional().meta({ description: 'Only documents with every one of these tags' }),
  contentType: z.string().max(200).optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
});

export const ListDeletedDocumentsQuery = ListDocumentsQuery.pick({ limit: true, cursor: true }).extend({
  owner: z.string().min(1).max(200).optional().meta({
    description: 'Whose deleted documents (default: the caller); only admins may name another user',
  }),
});

const ShareView = z.object({ userId: z.string(), permission: z.enum(['read', 'write']) });

export const Document = z
  .object({
    id: z.uuid(),
    ownerId: z.string(),
    title: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    tags: z.array(z.string()),
    version: z.number().int(),
    shares: z.array(ShareView),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Document' });

export const DocumentPage = z
  .object({ items: z.array(Document), nextCursor: z.string().optional() })
  .meta({ id: 'DocumentPage' });

export const DeletedDocument = Document.extend({
  deletedAt: z.iso.datetime(),
  restorableUntil: z.iso.datetime().meta({
    description:
      'The deletion plus the content retention: until then POST /v1/documents/{id}/restore brings it back; after it the cleanup may remove the content',
  }),
}).meta({ id: 'DeletedDocument' });

export const DeletedDocumentPage = z
  .object({ items: z.array(DeletedDocument), nextCursor: z.string().optional() })
  .meta({ id: 'DeletedDocumentPage' });

export const ContentUrl = z.object({ url: z.url(), expiresAt: z.iso.datetime() }).meta({ id: 'ContentUrl' });

export const CreateExport = z
  .strictObject({
    ownerId: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: 'Whose documents; only admins may name another user' }),
    format: z.enum(['zip', 'json']).default('zip'),
    documentIds: z.array(z.uuid()).min(1).max(1000).optional(),
  })
  .meta({ id: 'CreateExport' });

export const Export = z
  .object({
    id: z.uuid(),
    ownerId: z.string(),
    requestedBy: z.string(),
    format: z.string(),
    status: z.enum(['requested', 'completed', 'failed', 'expired']).meta({
      description:
        'requested until the Export service reports; completed with a download link; failed with an error; expired once the link stopped working',
    }),
    createdAt: z.iso.datetime(),
    finishedAt: z.iso.datetime().optional(),
    downloadUrl: z
      .url()
      .optional()
      .meta({ description: 'The archive, without credentials, until expiresAt' }),
    expiresAt: z.iso.datetime().optional(),
    documentCount: z.number().int().optional(),
    skippedCount: z
      .number()
      .int()
      .optional()
      .meta({ description: 'Listed documents left out because the requester may not read them' }),
    archiveBytes: z.number().int().optional(),
    error: z.string().optional().meta({ description: 'Why the export failed' }),
  })
  .meta({ id: 'Export' });

export const ListExportsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
  user: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Whose exports (requested by or of that user); only admins may name another user' }),
});

export const ExportPage = z
  .object({ items: z.array(Export), nextCursor: z.string().optional() })
  .meta({ id: 'ExportPage' });

export const IfMatchHeader = z.object({
  'if-match': z.string().meta({ description: 'The ETag of the document as last read (or *)' }),
});
export const ETagHeader = z.object({ ETag: z.string().meta({ description: 'The version of the document' }) });

export type UploadInput = z.output<typeof UploadQuery>;
export type UpdateInput = z.output<typeof UpdateDocument>;
export type ListFilter = z.output<typeof ListDocumentsQuery>;
export type DeletedFilter = z.output<typeof ListDeletedDocumentsQuery>;
export type DeletedDocumentView = z.output<typeof DeletedDocument>;
export type ExportInput = z.output<typeof CreateExport>;
export type ExportView = z.output<typeof Export>;
export type ExportFilter = z.output<typeof ListExportsQuery>;
