/**
 * Certificate expiry as Prometheus gauges, named after cert-manager's so the same alerts work:
 * `quire_certificate_expiration_timestamp_seconds` and `quire_certificate_renewal_timestamp_seconds`.
 */
import { Gauge, type Registry } from 'prom-client';

export interface CertificateTimes {
  namespace: string;
  platform: string;
  /** The identity (service name, `gateway`) or `ca`. */
  name: string;
  secret: string;
  notAfter: Date;
  renewalTime?: Date | undefined;
}

/** What the certificates phase reports each certificate's times through. */
export interface CertificateExpiryMetric {
  set(times: CertificateTimes): void;
}

/** The Platforms that exist, `namespace/name`: read from the informer's cache at scrape time. */
export type LivePlatforms = () => Iterable<{ metadata: { namespace?: string; name?: string } }>;

const platformKey = (namespace: string, platform: string) => `${namespace}/${platform}`;

/**
 * Registers the gauges in `registry` (the operator's, served on its metrics port). With `live`, each
 * scrape drops the certificates of Platforms that no longer exist, so a deleted Platform's expiry
 * cannot fire QuireCertificateExpiringSoon weeks later.
 */
export function createCertificateExpiryMetric(
  registry: Registry,
  live?: LivePlatforms,
): CertificateExpiryMetric {
  const labelNames = ['namespace', 'platform', 'name', 'secret'] as const;
  // The latest times of each certificate, by its labels; the gauges are filled from it on scrape.
  const latest = new Map<string, CertificateTimes>();
  const labelsOf = (t: CertificateTimes) => ({
    namespace: t.namespace,
    platform: t.platform,
    name: t.name,
    secret: t.secret,
  });
  const current = (): CertificateTimes[] => {
    if (live) {
      const existing = new Set(
        [...live()].map((p) => platformKey(p.metadata.namespace ?? '', p.metadata.name ?? '')),
      );
      for (const [key, t] of latest)
        if (!existing.has(platformKey(t.namespace, t.platform))) latest.delete(key);
    }
    return [...latest.values()];
  };
  new Gauge({
    name: 'quire_certificate_expiration_timestamp_seconds',
    help: 'The date after which the certificate expires, as a Unix timestamp',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of current()) this.set(labelsOf(t), t.notAfter.getTime() / 1000);
    },
  });
  new Gauge({
    name: 'quire_certificate_renewal_timestamp_seconds',
    help: 'The date at which the operator renews the certificate, as a Unix timestamp',
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const t of current()) if (t.renewalTime) this.set(labelsOf(t), t.renewalTime.getTime() / 1000);
    },
  });
  return {
    set(times) {
      latest.set(JSON.stringify(labelsOf(times)), times);
    },
  };
}
