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

/** Registers the gauges in `registry` (the operator's, served on its metrics port). */
export function createCertificateExpiryMetric(registry: Registry): CertificateExpiryMetric {
  const labelNames = ['namespace', 'platform', 'name', 'secret'] as const;
  const expiry = new Gauge({
    name: 'quire_certificate_expiration_timestamp_seconds',
    help: 'The date after which the certificate expires, as a Unix timestamp',
    labelNames,
    registers: [registry],
  });
  const renewal = new Gauge({
    name: 'quire_certificate_renewal_timestamp_seconds',
    help: 'The date at which the operator renews the certificate, as a Unix timestamp',
    labelNames,
    registers: [registry],
  });
  return {
    set(times) {
      const labels = {
        namespace: times.namespace,
        platform: times.platform,
        name: times.name,
        secret: times.secret,
      };
      expiry.set(labels, times.notAfter.getTime() / 1000);
      if (times.renewalTime) renewal.set(labels, times.renewalTime.getTime() / 1000);
    },
  };
}
