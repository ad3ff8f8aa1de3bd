/**
 * Where each document goes in the archive, and the manifest beside them. Paths are
 * `documents/<id>/<title>.<ext>`: the id keeps them unique, the title makes them recognisable.
 */
import type { ExportDocument } from './export-request.js';

const extensions: Record<string, string> = {
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/csv': 'csv',
  'application/json': 'json',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
};

const unsafe = new Set([...'/\\:*?"<>|']);

/** The archive path of a document: its title made safe for every unzip tool, with an extension. */
export function entryPath(d: Pick<ExportDocument, 'id' | 'title' | 'contentType'>): string {
  // One path component whatever the title holds: separators, control and reserved characters go.
  const cleaned = [...d.title.normalize('NFC')]
    .map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 || unsafe.has(c) ? '_' : c))
    .join('')
    .replace(/_+/g, '_');
  const base = cleaned.replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 100) || 'document';
  const ext = extensions[d.contentType.split(';')[0]?.trim() ?? ''];
  return `documents/${d.id}/${ext && !base.toLowerCase().endsWith(`.${ext}`) ? `${base}.${ext}` : base}`;
}

/** Content worth compressing; other types (PDF, images, archives) are stored as they are. */
export const compressible = (contentType: string): boolean =>
  /^text\/|json|xml|csv|markdown/.test(contentType);

/** One document as the manifest lists it. */
export interface ManifestEntry {
  id: string;
  version: number;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  path: string;
}

export interface Manifest {
  format: 'quire-export/1';
  exportId: string;
  requestedBy: string;
  ownerId: string;
  createdAt: string;
  documents: ManifestEntry[];
  /** Documents listed in the request but not in the archive, and why. */
  skipped: { id: string; title: string; reason: 'not-readable' | 'content-missing' }[];
}

export const manifestPath = 'manifest.json';

export const manifestEntry = (d: ExportDocument): ManifestEntry => ({
  id: d.id,
  version: d.version,
  title: d.title,
  contentType: d.contentType,
  size: d.size,
  sha256: d.sha256,
  tags: d.tags,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
  path: entryPath(d),
});
