/** The media types a document may have, and the start of a text document's text for the search index. */
import { UnsupportedMediaTypeError } from '@quire/kit';

/** Formats whose bytes are text: their start is extracted for full-text search. */
const textTypes = new Set(['text/plain', 'text/markdown', 'text/csv', 'text/html', 'application/json']);

/** Every accepted media type: text formats, office documents, PDF and common images. */
export const supportedContentTypes: ReadonlySet<string> = new Set([
  ...textTypes,
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
]);

/** The media type of an upload's Content-Type header, without parameters; 415 when it is missing or not accepted. */
export function uploadContentType(header: string | undefined): string {
  const type = header?.split(';')[0]?.trim().toLowerCase();
  if (!type) {
    throw new UnsupportedMediaTypeError('The upload must declare its media type in Content-Type');
  }
  if (!supportedContentTypes.has(type)) {
    throw new UnsupportedMediaTypeError(
      `Documents of type ${type} are not accepted; accepted types: ${[...supportedContentTypes].join(', ')}`,
    );
  }
  return type;
}

export const isTextType = (type: string): boolean => textTypes.has(type);

/** The text of a text document's first bytes: a cut-off last character is dropped, HTML loses its tags. */
export function excerptText(type: string, head: Buffer): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/\uFFFD$/, '');
  const plain = type === 'text/html' ? text.replace(/<[^>]*>/g, ' ') : text;
  // PostgreSQL text cannot hold NUL.
  return plain.replaceAll('\u0000', '');
}
