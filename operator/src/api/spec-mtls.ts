import { z } from 'zod';
import { admit, formatted, immutable, type StringFormat } from './admission-rules.js';
import { dnsSubdomain, duration, durationSeconds, secretDataKey } from './spec-common.js';

const trustDomain: StringFormat = {
  pattern: /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/,
  maxLength: 255,
  allowed: "a SPIFFE trust domain: lowercase letters, digits, '.', '_' and '-', e.g. 'quire.example.com'",
};

/** A CA the user supplies: the built-in issuer's CA becomes an intermediate under it. */
const caSecretRef = admit(
  z.object({
    name: formatted(
      dnsSubdomain,
      'spec.mtls.issuer.caSecretRef.name',
      "Name of the Secret, in the Platform's namespace.",
    ),
    certificateKey: formatted(
      secretDataKey,
      'spec.mtls.issuer.caSecretRef.certificateKey',
      'Key holding the CA certificate (PEM), followed by any intermediates above it.',
    ).default('tls.crt'),
    privateKeyKey: formatted(
      secretDataKey,
      'spec.mtls.issuer.caSecretRef.privateKeyKey',
      "Key holding the CA certificate's private key (PEM).",
    ).default('tls.key'),
  }),
  "A CA you supply, in a Secret in the Platform's namespace: the built-in CA becomes an intermediate signed by it, so every certificate chains to your root (a ca.crt key, if present, holds that root when the certificate is itself an intermediate). The CA's path length must allow one more CA below it. Changing or removing it rotates the built-in CA with the usual overlap. Only with type BuiltIn.",
);

const issuer = admit(
  z.object({
    type: admit(
      z.enum(['BuiltIn', 'CertManager']),
      "BuiltIn: the operator runs its own CA, kept in a Secret in the Platform's namespace (a root, or an intermediate under caSecretRef). CertManager: an existing cert-manager issuer signs the certificates.",
    ).default('BuiltIn'),
    caSecretRef: caSecretRef.optional(),
    certManager: admit(
      z.object({
        name: formatted(dnsSubdomain, 'spec.mtls.issuer.certManager.name', 'Name of the issuer.'),
        kind: admit(
          z.enum(['Issuer', 'ClusterIssuer']),
          "Issuer (in the Platform's namespace) or ClusterIssuer.",
        ).default('ClusterIssuer'),
        group: formatted(
          dnsSubdomain,
          'spec.mtls.issuer.certManager.group',
          'API group of the issuer.',
        ).default('cert-manager.io'),
      }),
      'The cert-manager issuer to use; required when type is CertManager, and only then.',
    ).optional(),
  }),
  'Who signs the workload certificates.',
  [
    {
      rule: "self.type != 'CertManager' || has(self.certManager)",
      message: 'spec.mtls.issuer.certManager is required when spec.mtls.issuer.type is CertManager',
      check: (self) => self.type !== 'CertManager' || self.certManager !== undefined,
      fieldPath: '.certManager',
      reason: 'FieldValueRequired',
    },
    {
      rule: "self.type == 'CertManager' || !has(self.certManager)",
      message: 'spec.mtls.issuer.certManager must be omitted when spec.mtls.issuer.type is BuiltIn',
      check: (self) => self.type === 'CertManager' || self.certManager === undefined,
      fieldPath: '.certManager',
      reason: 'FieldValueForbidden',
    },
    {
      rule: "self.type == 'BuiltIn' || !has(self.caSecretRef)",
      message:
        'spec.mtls.issuer.caSecretRef must be omitted when spec.mtls.issuer.type is CertManager: the cert-manager issuer holds the CA',
      check: (self) => self.type === 'BuiltIn' || self.caSecretRef === undefined,
      fieldPath: '.caSecretRef',
      reason: 'FieldValueForbidden',
    },
  ],
).prefault({});

const hour = 3600;

/** Mutual TLS between the services: identities, certificate lifetimes and the issuer. */
export const mtlsSpec = admit(
  z.object({
    trustDomain: formatted(
      trustDomain,
      'spec.mtls.trustDomain',
      'SPIFFE trust domain of the workload identities (spiffe://<trustDomain>/ns/<namespace>/sa/<service>). Immutable: every identity and every peer authorization depends on it.',
      [
        immutable(
          'spec.mtls.trustDomain',
          'every workload identity and peer authorization embeds it; create a new Platform to change trust domains',
        ),
      ],
    ).default('quire.local'),
    certificateLifetime: formatted(
      duration,
      'spec.mtls.certificateLifetime',
      'How long each workload certificate is valid (1h to 8760h); short-lived certificates limit what a leaked key can do.',
    ).default('24h'),
    renewBefore: formatted(
      duration,
      'spec.mtls.renewBefore',
      'How long before expiry a certificate is renewed (at least 5m, less than certificateLifetime); the default renews at two thirds of the default lifetime.',
    ).default('8h'),
    issuer,
  }),
  'Mutual TLS between the services: workload identities, certificate lifetimes, and the issuer.',
  [
    {
      rule: "!self.certificateLifetime.matches('^([0-9]+[hms])+$') || (duration(self.certificateLifetime) >= duration('1h') && duration(self.certificateLifetime) <= duration('8760h'))",
      message: 'spec.mtls.certificateLifetime must be between 1h and 8760h (one year)',
      check: (self) =>
        durationSeconds(self.certificateLifetime) >= hour &&
        durationSeconds(self.certificateLifetime) <= 8760 * hour,
      fieldPath: '.certificateLifetime',
    },
    {
      rule: "!self.renewBefore.matches('^([0-9]+[hms])+$') || duration(self.renewBefore) >= duration('5m')",
      message: 'spec.mtls.renewBefore must be at least 5m',
      check: (self) => durationSeconds(self.renewBefore) >= 300,
      fieldPath: '.renewBefore',
    },
    {
      rule: "!self.renewBefore.matches('^([0-9]+[hms])+$') || !self.certificateLifetime.matches('^([0-9]+[hms])+$') || duration(self.renewBefore) < duration(self.certificateLifetime)",
      message:
        'spec.mtls.renewBefore must be shorter than spec.mtls.certificateLifetime (e.g. 8h for 24h), or certificates would be renewed as soon as they are issued',
      check: (self) => durationSeconds(self.renewBefore) < durationSeconds(self.certificateLifetime),
      fieldPath: '.renewBefore',
    },
  ],
).prefault({});
