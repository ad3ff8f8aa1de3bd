/** Unpacks an archive file with yauzl, streaming each entry through SHA-256: what a user's unzip would see. */
import { promisify } from 'node:util';
import yauzl from 'yauzl';

export interface UnpackedEntry {
  size: number;
  sha256: string;
  text?: string;
}

/** Every entry of the ZIP at `path` by name, with its size and hash (and the text of manifest.json). */
export async function unpack(path: string): Promise<Map<string, UnpackedEntry>> {
  const { createHash } = await import('node:crypto');
  const zip = await promisify<string, yauzl.Options, yauzl.ZipFile>(yauzl.open)(path, { lazyEntries: true });
  const out = new Map<string, UnpackedEntry>();
  await new Promise<void>((resolve, reject) => {
    zip.on('error', reject);
    zip.on('end', resolve);
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return reject(err);
        const hash = createHash('sha256');
        const keep: Buffer[] = [];
        let size = 0;
        stream.on('data', (c: Buffer) => {
          size += c.length;
          hash.update(c);
          if (entry.fileName === 'manifest.json') keep.push(c);
        });
        stream.on('error', reject);
        stream.on('end', () => {
          out.set(entry.fileName, {
            size,
            sha256: hash.digest('hex'),
            ...(keep.length ? { text: Buffer.concat(keep).toString('utf8') } : {}),
          });
          zip.readEntry();
        });
      });
    });
    zip.readEntry();
  });
  zip.close();
  return out;
}
