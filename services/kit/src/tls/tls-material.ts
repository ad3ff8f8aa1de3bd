/**
 * The service's mounted certificate (tls.crt, tls.key, ca.crt), loaded and kept current. Kubernetes
 * updates a Secret volume by swapping the `..data` symlink, which fs.watch sees as renames in the
 * folder; events are debounced (a swap is several of them) and a periodic check catches what
 * watching misses (some file systems send nothing). A half-written or mismatched set is never
 * used: the previous material stays until the new one is complete.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { type FSWatcher, readFileSync, watch } from 'node:fs';
import { join } from 'node:path';
import { createSecureContext, type SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import { tlsFiles } from '../service-env.js';
import { spiffeIdOf } from './spiffe.js';

/** One consistent set of files, parsed, with the TLS context built from it. */
export interface TlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer;
  /** The leaf (first certificate of tls.crt). */
  readonly leaf: X509Certificate;
  /** The SPIFFE ID the leaf carries, if any. */
  readonly spiffeId: string | undefined;
  /** SHA-256 over the three files: changes whenever any of them does. */
  readonly version: string;
  /** A client-side context: the key and chain to present, the bundle to verify servers with. */
  readonly clientContext: SecureContext;
}

/** Reads and checks the three files; throws when one is missing, does not parse, or the key is not the leaf's. */
export function loadTlsMaterial(dir: string): TlsMaterial {
  const cert = readFileSync(join(dir, tlsFiles.cert));
  const key = readFileSync(join(dir, tlsFiles.key));
  const ca = readFileSync(join(dir, tlsFiles.ca));
  const leaf = new X509Certificate(cert);
  // createSecureContext checks that the key matches the certificate, and that the bundle parses.
  const clientContext = createSecureContext({ cert, key, ca, minVersion: 'TLSv1.2' });
  const version = createHash('sha256').update(cert).update(key).update(ca).digest('hex');
  return { cert, key, ca, leaf, spiffeId: spiffeIdOf(leaf.subjectAltName), version, clientContext };
}

export interface WatchOptions {
  /** Quiet time after the last file event before reloading (default 200 ms). */
  debounceMs?: number;
  /** How often to check the files even without events (default 10 s). */
  pollMs?: number;
  logger?: Logger;
}

/** The current material of a folder, replaced whenever the files change to a new consistent set. */
export class TlsMaterialWatcher {
  private material: TlsMaterial;
  private readonly listeners = new Set<(material: TlsMaterial) => void>();
  private watcher: FSWatcher | undefined;
  private readonly poll: NodeJS.Timeout;
  private debounce: NodeJS.Timeout | undefined;
  private lastError: string | undefined;

  /** Loads the folder now (throws if it is not usable) and starts watching it. */
  constructor(
    readonly dir: string,
    private readonly options: WatchOptions = {},
  ) {
    this.material = loadTlsMaterial(dir);
    try {
      this.watcher = watch(dir, () => this.schedule());
      this.watcher.on('error', () => this.watcher?.close());
    } catch {
      this.watcher = undefined; // the poll alone keeps it current
    }
    this.poll = setInterval(() => this.check(), options.pollMs ?? 10_000);
    this.poll.unref();
  }

  current(): TlsMaterial {
    return this.material;
  }

  /** Calls `listener` with each new material; returns a function that stops it. */
  onChange(listener: (material: TlsMaterial) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Reads the files again now; true when they changed and the new set was taken. */
  check(): boolean {
    let next: TlsMaterial;
    try {
      next = loadTlsMaterial(this.dir);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== this.lastError) {
        this.options.logger?.warn(
          { dir: this.dir, err: message },
          'Kept the current certificate because the mounted files are incomplete or inconsistent',
        );
      }
      this.lastError = message;
      return false;
    }
    this.lastError = undefined;
    if (next.version === this.material.version) return false;
    this.material = next;
    this.options.logger?.info(
      { dir: this.dir, spiffeId: next.spiffeId, notAfter: next.leaf.validTo },
      'Reloaded the TLS certificate and trust bundle',
    );
    for (const listener of this.listeners) listener(next);
    return true;
  }

  close(): void {
    this.watcher?.close();
    clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.listeners.clear();
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.check(), this.options.debounceMs ?? 200);
    this.debounce.unref();
  }
}
