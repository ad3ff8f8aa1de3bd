/**
 * Receiving an upload: the request body streams into a new object while its size is counted, its
 * SHA-256 computed and (for text formats) its start kept for search. The size limit and the
 * declared size are enforced as bytes arrive; the declared checksum before the object is committed.
 * Every upload's key is registered for cleanup first, so even a process that dies mid-upload leaves
 * nothing behind for long; the document that claims the object removes that registration.
 */
import { createHash, randomUUID } from 'node:crypto';
import { InputError, TooLargeError } from '@quire/kit';
import type pg from 'pg';
import type { DocumentSettings } from './config.js';
import { excerptText, isTextType } from './content-types.js';
import type { ObjectStore } from './object-store.js';

/** What the client says about the upload, checked against what arrives. */
export interface DeclaredContent {
  size?: number | undefined;
  sha256?: string | undefined;
}

/** A stored upload, not yet claimed by a document. */
export interface ReceivedContent {
  key: string;
  contentType: string;
  size: number;
  sha256: string;
  text?: string;
}

const mismatch = (field: 'size' | 'sha256', message: string) =>
  new InputError(`The content does not match its declared ${field === 'size' ? 'size' : 'checksum'}`, [
    { field, rule: field, message, in: 'query' },
  ]);

/** Uploads older than this without a document are abandoned; the cleanup removes their objects. */
const abandonedAfter = '1 hour';

export class ContentReceiver {
  constructor(
    private readonly objects: ObjectStore,
    private readonly pool: pg.Pool,
    private readonly settings: DocumentSettings,
  ) {}

  private tooLarge(): TooLargeError {
    return new TooLargeError(`Documents may be at most ${this.settings.maxUploadBytes} bytes`);
  }

  /** Streams `body` into a new object for `documentId`; throws (leaving nothing) when it breaks a rule. */
  async receive(
    documentId: string,
    body: AsyncIterable<Buffer>,
    meta: { contentType: string; contentLength: number | undefined; declared: DeclaredContent },
  ): Promise<ReceivedContent> {
    const { maxUploadBytes: max, textExcerptBytes } = this.settings;
    const { declared, contentType, contentLength } = meta;
    // Refuse what is known to be wrong before reading a byte.
    if ((contentLength ?? 0) > max || (declared.size ?? 0) > max) throw this.tooLarge();
    if (declared.size !== undefined && contentLength !== undefined && contentLength !== declared.size) {
      throw mismatch('size', `declared ${declared.size} bytes, but the body has ${contentLength}`);
    }
    const key = `documents/${documentId}/${randomUUID()}`;
    await this.pool.query(
      `INSERT INTO object_cleanup (object_key, not_before) VALUES ($1, now() + interval '${abandonedAfter}')`,
      [key],
    );
    const hash = createHash('sha256');
    const head: Buffer[] = [];
    let headBytes = 0;
    let size = 0;
    const keepHead = isTextType(contentType);
    const tooLarge = () => this.tooLarge();
    async function* measured(): AsyncGenerator<Buffer> {
      for await (const chunk of body) {
        size += chunk.length;
        if (size > max) throw tooLarge();
        if (declared.size !== undefined && size > declared.size) {
          throw mismatch('size', `declared ${declared.size} bytes, but more arrived`);
        }
        hash.update(chunk);
        if (keepHead && headBytes < textExcerptBytes) {
          const part = Buffer.from(chunk.subarray(0, textExcerptBytes - headBytes));
          head.push(part);
          headBytes += part.length;
        }
        yield chunk;
      }
    }
    let sha256 = '';
    try {
      await this.objects.put(key, measured(), {
        contentType,
        partSizeBytes: this.settings.partSizeBytes,
        beforeCommit: () => {
          sha256 = hash.digest('hex');
          if (declared.size !== undefined && size !== declared.size) {
            throw mismatch('size', `declared ${declared.size} bytes, but ${size} arrived`);
          }
          if (declared.sha256 !== undefined && declared.sha256 !== sha256) {
            throw mismatch('sha256', `declared ${declared.sha256}, but the content's SHA-256 is ${sha256}`);
          }
        },
      });
    } catch (err) {
      await this.discard(key);
      throw err;
    }
    return {
      key,
      contentType,
      size,
      sha256,
      ...(keepHead ? { text: excerptText(contentType, Buffer.concat(head)) } : {}),
    };
  }

  /**
   * Removes an upload no document claimed, then its cleanup registration; when storage does not
   * answer, the registration stays and the cleanup removes the object later.
   */
  async discard(key: string): Promise<void> {
    try {
      await this.objects.delete(key);
      await this.pool.query('DELETE FROM object_cleanup WHERE object_key = $1', [key]);
    } catch {
      // Left to the cleanup.
    }
  }
}
