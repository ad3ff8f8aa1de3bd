/**
 * The media types the Document service accepts (services/document/src/content-types.ts), by file
 * extension: an upload must declare one, and a download is named with one when the title has none.
 */
import { extname } from 'node:path';

const byExtension: Readonly<Record<string, string>> = {
  '.txt': 'text/plain',
  '.text': 'text/plain',
  '.log': 'text/plain',
  '.md': 'text/markdown',
  '.markdown': 'text/markdown',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.htm': 'text/html',
  '.json': 'application/json',
  '.pdf': 'application/pdf',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

/** The media type of a file by its extension, or undefined when the service would not accept it. */
export function contentTypeOf(file: string): string | undefined {
  return byExtension[extname(file).toLowerCase()];
}

/** The usual extension of a media type, for naming a download. */
export function extensionOf(contentType: string): string | undefined {
  return Object.entries(byExtension).find(([, type]) => type === contentType)?.[0];
}

/** Every accepted extension, for error messages. */
export const acceptedExtensions = Object.keys(byExtension).join(' ');
