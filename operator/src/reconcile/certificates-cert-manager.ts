/**
 * The certificates phase with a cert-manager issuer: one Certificate object per identity, which
 * cert-manager issues and renews into Secrets of the same shape the built-in issuer writes. The
 * operator only applies the objects and reads their status back, so the Platform reports the same
 * expiry and renewal times whichever issuer signs.
 */
import { ConditionReason, type Platform } from '../api/index.js';
import { buildCertificate, certificateKind, certificateStatusOf } from '../pki/cert-manager.js';
import { warnIgnoredAnnotations } from './certificates-requests.js';
import { type CertificatesRun, recheckMs } from './certificates-run.js';
import type { PhaseOutcome } from './scope.js';

/** cert-manager mode: one Certificate per identity; cert-manager issues, renews and reports. */
export async function viaCertManager(
  run: CertificatesRun,
  issuer: NonNullable<Platform['spec']['mtls']['issuer']['certManager']>,
): Promise<PhaseOutcome> {
  warnIgnoredAnnotations(run);
  const waiting: string[] = [];
  // cert-manager renews by itself; looking again at the earliest renewal refreshes the status.
  let next = Number.POSITIVE_INFINITY;
  for (const identity of run.identities) {
    const desired = buildCertificate({
      platform: run.input.name,
      namespace: run.input.namespace,
      identity,
      issuerRef: issuer,
      lifetimeMs: run.lifetimeMs,
      renewBeforeMs: run.renewBeforeMs,
    });
    const outcome = await run.deps.apply(certificateKind, desired, { owner: run.owner });
    if (outcome.result === 'conflict') return run.conflict(outcome);
    if (outcome.result === 'applied') {
      run.event(
        'Normal',
        'CertificateRequested',
        `Applied the cert-manager Certificate ${desired.metadata.name} for ${identity.name}`,
      );
    }
    const status = certificateStatusOf(outcome.object);
    if (status.notAfter) run.report(identity.name, identity.secretName, status.notAfter, status.renewalTime);
    if (status.renewalTime) next = Math.min(next, status.renewalTime.getTime());
    if (!status.ready) waiting.push(`${identity.name} (${status.message})`);
  }
  if (waiting.length > 0) {
    const message = `Waiting for cert-manager to issue ${waiting.join(', ')}`;
    return run.outcome('False', ConditionReason.Issuing, message, { requeueAfterMs: recheckMs });
  }
  const message = `cert-manager issued all ${run.identities.length} certificates through ${issuer.kind} ${issuer.name}`;
  const until = Number.isFinite(next) ? next - run.input.now.getTime() : 3600_000;
  return run.outcome('True', ConditionReason.Reconciled, message, { requeueAfterMs: Math.max(1000, until) });
}
