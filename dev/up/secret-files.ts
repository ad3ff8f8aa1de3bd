/**
 * A Secret's keys as files in a folder, written the way the kubelet updates a Secret volume: the new
 * set goes into a fresh hidden folder, the `..data` symlink is swapped to it in one rename, and each
 * key is a symlink through `..data`. A reader (the kit's TlsMaterialWatcher, nginx on reload) never
 * sees half a set.
 */
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

/** True when the folder already holds exactly these files. */
function unchanged(dir: string, data: Readonly<Record<string, string>>): boolean {
  return Object.entries(data).every(([key, value]) => {
    const file = join(dir, key);
    return existsSync(file) && readFileSync(file, 'utf8') === value;
  });
}

/** Writes `data` into `dir` atomically; returns false when nothing changed. */
export function mountSecret(dir: string, data: Readonly<Record<string, string>>): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o750 });
  if (unchanged(dir, data)) return false;
  const version = `..${new Date().toISOString().replace(/[:.]/g, '_')}.${randomBytes(4).toString('hex')}`;
  mkdirSync(join(dir, version), { mode: 0o750 });
  for (const [key, value] of Object.entries(data)) {
    writeFileSync(join(dir, version, key), value, { mode: 0o440 });
  }
  const tmp = join(dir, '..data_tmp');
  rmSync(tmp, { force: true });
  symlinkSync(version, tmp);
  renameSync(tmp, join(dir, '..data'));
  for (const key of Object.keys(data)) {
    const link = join(dir, key);
    if (!existsSync(link)) symlinkSync(join('..data', key), link);
  }
  // Older versions and keys the Secret no longer has go, as the kubelet removes them.
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (entry.startsWith('..') && entry !== '..data' && entry !== version && lstatSync(path).isDirectory()) {
      rmSync(path, { recursive: true, force: true });
    } else if (!entry.startsWith('..') && !(entry in data) && lstatSync(path).isSymbolicLink()) {
      rmSync(path, { force: true });
    }
  }
  return true;
}
