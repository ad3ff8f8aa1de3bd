/**
 * Streamed uploads and downloads: bytes flow from the file to the service (and back) without being
 * held in memory, with a progress bar on a terminal. An upload declares its size and SHA-256 so the
 * service refuses a corrupted body; a download is hashed as it arrives, checked against the
 * service's digest, and only then moved into place, so a failed download never leaves a partial file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CliError, UsageError } from '../errors.js';
import { byteProgress } from '../output/progress.js';
import type { ServiceClient } from './client.js';
import { acceptedExtensions, contentTypeOf, extensionOf } from './content-types.js';

/** A document as the Document API returns it. */
export interface DocumentView {
  id: string;
  ownerId: string;
  title: string;
  contentType: string;
  size: number;
  sha256: string;
  tags: string[];
  version: number;
  shares: Array<{ userId: string; permission: 'read' | 'write' }>;
  createdAt: string;
  updatedAt: string;
}

/** The hex SHA-256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

/** A pass-through that shows each chunk to `see` (for progress and hashing) on its way. */
const tap = (see: (chunk: Buffer) => void) =>
  new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      see(chunk);
      callback(null, chunk);
    },
  });

/** Uploads a file as a new document. */
export async function uploadFile(
  client: ServiceClient,
  file: string,
  options: { title?: string; tags: string[]; type?: string },
): Promise<DocumentView> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new Error('not a regular file');
    size = stat.size;
  } catch (error) {
    throw new UsageError(`Cannot upload ${file}: ${(error as Error).message}`, 'Name a readable file');
  }
  const type = options.type ?? contentTypeOf(file);
  if (!type) {
    throw new UsageError(
      `Cannot tell the media type of ${file} from its extension`,
      `Pass --type <media/type>; known extensions: ${acceptedExtensions}`,
    );
  }
  const sha256 = await sha256File(file);
  const bar = byteProgress(`Uploading ${basename(file)}`, size);
  try {
    return await client.json<DocumentView>('POST', '/v1/documents', {
      query: {
        title: options.title ?? basename(file),
        tags: options.tags.join(',') || undefined,
        size,
        sha256,
      },
      headers: { 'content-type': type },
      body: () =>
        Readable.toWeb(createReadStream(file).pipe(tap((c) => bar.add(c.length)))) as NonNullable<
          RequestInit['body']
        >,
    });
  } finally {
    bar.stop();
  }
}

/** A file name made from a document's title: path separators and control characters replaced. */
export function fileNameFor(doc: Pick<DocumentView, 'title' | 'contentType' | 'id'>): string {
  const replaced = [...doc.title].map((c) => (c.charCodeAt(0) < 32 || '/\\:*?"<>|'.includes(c) ? '_' : c));
  const safe = replaced.join('').replace(/^\.+/, '').trim() || doc.id;
  const ext = extensionOf(doc.contentType);
  return ext && !safe.toLowerCase().endsWith(ext) && !/\.[a-z0-9]{1,5}$/i.test(safe) ? safe + ext : safe;
}

/** The hex SHA-256 a Repr-Digest header carries, if it carries one. */
function digestOf(header: string | null): string | undefined {
  const match = header ? /sha-256=:([A-Za-z0-9+/=]+):/.exec(header) : null;
  return match?.[1] ? Buffer.from(match[1], 'base64').toString('hex') : undefined;
}

/** Downloads a document's content to `dest` (a file, a folder, or - for stdout); returns where and its hash. */
export async function downloadFile(
  client: ServiceClient,
  doc: DocumentView,
  dest: string | undefined,
  force: boolean,
): Promise<{ path: string; sha256: string; size: number }> {
  const toStdout = dest === '-';
  let path = dest ?? fileNameFor(doc);
  if (!toStdout && existsSync(path) && statSync(path).isDirectory()) path = join(path, fileNameFor(doc));
  if (!toStdout && existsSync(path) && !force) {
    throw new UsageError(
      `${path} already exists`,
      'Pass --force to overwrite it, or name another destination',
    );
  }
  const response = await client.send('GET', `/v1/documents/${encodeURIComponent(doc.id)}/content`);
  if (!response.body) throw new CliError(`The service sent no content for document ${doc.id}`);
  const expected = digestOf(response.headers.get('repr-digest')) ?? doc.sha256;
  const hash = createHash('sha256');
  let size = 0;
  const bar = byteProgress(
    `Downloading ${doc.title}`,
    Number(response.headers.get('content-length')) || doc.size,
  );
  const temporary = toStdout ? undefined : join(dirname(path), `.${basename(path)}.${process.pid}.part`);
  const counted = tap((chunk) => {
    size += chunk.length;
    hash.update(chunk);
    bar.add(chunk.length);
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as never),
      counted,
      temporary ? createWriteStream(temporary, { mode: 0o644 }) : process.stdout,
    );
  } catch (error) {
    if (temporary) rmSync(temporary, { force: true });
    throw error;
  } finally {
    bar.stop();
  }
  const sha256 = hash.digest('hex');
  if (sha256 !== expected) {
    if (temporary) rmSync(temporary, { force: true });
    throw new CliError(
      `The download of ${doc.id} is corrupt: SHA-256 ${sha256}, expected ${expected}`,
      'Download it again',
    );
  }
  if (temporary) renameSync(temporary, path);
  return { path: toStdout ? '-' : path, sha256, size };
}
