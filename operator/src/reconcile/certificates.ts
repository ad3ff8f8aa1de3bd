/**
 * The certificates phase: gives every service (and the gateway) a workload certificate, renews it
 * before it expires, rotates the CA with an overlap, and reports each certificate's expiry in the
 * status, a metric and events. With the built-in issuer it signs itself (operator/src/pki); with a
 * cert-manager issuer it applies Certificate objects that produce Secrets of the same shape. A CA
 * that cannot be used stops the phase before it writes anything, so existing certificates keep serving.
 * This file only chooses the mode and plugs the phase into the orchestrator: the built-in issuer is in
 * certificates-built-in.ts (its CA in certificates-ca.ts), cert-manager in certificates-cert-manager.ts,
 * what a person asks through the Platform's annotations in certificates-requests.ts, and how a run
 * records what it finds in certificates-run.ts.
 */
import { ConditionType } from '../api/index.js';
import type { CertificateExpiryMetric } from '../pki/expiry-metric.js';
import type { KubeObject, ObjectKey, ResourceKind } from '../runtime/resource-kind.js';
import { builtIn } from './certificates-built-in.js';
import { viaCertManager } from './certificates-cert-manager.js';
import {
  type CertificatesDeps,
  type CertificatesInput,
  type CertificatesOptions,
  CertificatesRun,
} from './certificates-run.js';
import type { Phase, PhaseOutcome } from './scope.js';

/** Reconciles the Platform's certificates and returns the CertificatesReady outcome. */
export async function reconcileCertificates(
  input: CertificatesInput,
  deps: CertificatesDeps,
  options: CertificatesOptions = {},
): Promise<PhaseOutcome> {
  const run = new CertificatesRun(input, deps, options);
  const issuer = input.platform.spec.mtls.issuer;
  if (issuer.type === 'CertManager' && issuer.certManager) return viaCertManager(run, issuer.certManager);
  return builtIn(run, options);
}

/**
 * The phase for the orchestrator. `fetch` reads what the caches do not hold (a user's CA Secret,
 * or anything before its informer has synced); `expiry` is the metric the phase sets.
 */
export function createCertificatesPhase(config: {
  expiry: CertificateExpiryMetric;
  fetch: (kind: ResourceKind, key: ObjectKey) => Promise<KubeObject | undefined>;
  options?: CertificatesOptions;
}): Phase {
  return {
    name: 'certificates',
    conditionType: ConditionType.CertificatesReady,
    run: (scope) =>
      reconcileCertificates(
        {
          object: scope.object,
          platform: scope.platform,
          name: scope.name,
          namespace: scope.namespace,
          now: scope.now,
          log: scope.log,
        },
        {
          read: async (kind, key) => scope.deps.reader.get(kind, key) ?? (await config.fetch(kind, key)),
          apply: (kind, desired, options) => scope.deps.writer.apply(kind, desired, options),
          events: scope.deps.events,
          expiry: config.expiry,
        },
        config.options,
      ),
  };
}
