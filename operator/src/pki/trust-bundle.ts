/**
 * The trust bundle (ca.crt): the roots every service trusts. During a CA rotation it holds the old
 * and the new root, so a peer that already has a certificate from the new CA and one that still has
 * the old one accept each other; after the overlap only the roots still in use remain.
 */
import type { X509Certificate } from 'node:crypto';
import { fingerprintOf } from './x509.js';

/** The roots of all lists, each once, in the order first seen. */
export function mergeBundle(...lists: ReadonlyArray<readonly X509Certificate[]>): X509Certificate[] {
  const seen = new Set<string>();
  const merged: X509Certificate[] = [];
  for (const cert of lists.flat()) {
    const fp = fingerprintOf(cert);
    if (seen.has(fp)) continue;
    seen.add(fp);
    merged.push(cert);
  }
  return merged;
}

/**
 * The bundle after an overlap ends: only the roots in `keep` when `retireOthers`, and never a root
 * that has expired (it can no longer vouch for anything).
 */
export function pruneBundle(
  bundle: readonly X509Certificate[],
  options: { keep: readonly X509Certificate[]; now: Date; retireOthers: boolean },
): X509Certificate[] {
  const keep = new Set(options.keep.map(fingerprintOf));
  const now = options.now.getTime();
  return bundle.filter((cert) => {
    if (keep.has(fingerprintOf(cert))) return true;
    return !options.retireOthers && cert.validToDate.getTime() > now;
  });
}

/** True when both bundles hold the same roots, whatever the order. */
export function sameBundle(a: readonly X509Certificate[], b: readonly X509Certificate[]): boolean {
  const fa = new Set(a.map(fingerprintOf));
  return a.length === b.length && b.every((c) => fa.has(fingerprintOf(c)));
}
