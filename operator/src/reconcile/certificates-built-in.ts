/**
 * The certificates phase with the built-in issuer: the CA Secret first, then one Secret per
 * identity, each reissued only when a reason says so (missing or unreadable, at its renewal time, its
 * names, signing CA or lifetime changed, or a person asked for it once), so a reconcile that finds nothing due changes nothing.
 * The phase looks again at the earliest renewal, of a leaf or of the CA itself.
 */
import { ConditionReason } from '../api/index.js';
import { platformAnnotations } from '../pki/annotations.js';
import { caSecretName } from '../pki/identities.js';
import { planLeafSecret } from '../pki/leaf-plan.js';
import { renewRequestFor } from '../pki/renew-request.js';
import { reissueWording } from '../pki/renewal.js';
import { caSecret } from '../pki/secret-shapes.js';
import { kinds } from '../runtime/resource-kind.js';
import { resolveCa } from './certificates-ca.js';
import { renewRequestOf } from './certificates-requests.js';
import type { CertificatesOptions, CertificatesRun } from './certificates-run.js';
import type { PhaseOutcome } from './scope.js';

/** Built-in mode: the CA Secret, then each leaf, reissued only when a reason says so. */
export async function builtIn(run: CertificatesRun, options: CertificatesOptions): Promise<PhaseOutcome> {
  const { input } = run;
  const step = await resolveCa(run, options);
  if ('condition' in step) return step;
  const caName = caSecretName(input.name);
  const caOutcome = await run.deps.apply(
    kinds.secret,
    caSecret({ name: caName, namespace: input.namespace, state: step.state }),
    { owner: run.owner },
  );
  if (caOutcome.result === 'conflict') return run.conflict(caOutcome);
  for (const change of step.changes) run.event('Normal', change.reason, change.note);
  const { active, bundle } = step.state;
  run.report('ca', caName, active.cert.validToDate, step.nextCheckAt);

  const lifetime = input.platform.spec.mtls.certificateLifetime;
  const request = renewRequestOf(run);
  let nextCheck = step.nextCheckAt.getTime();
  for (const identity of run.identities) {
    const plan = await planLeafSecret({
      found: await run.secret(identity.secretName),
      identity,
      namespace: input.namespace,
      ca: active,
      bundle,
      lifetime,
      lifetimeMs: run.lifetimeMs,
      renewBeforeMs: run.renewBeforeMs,
      now: input.now,
      renewRequest: renewRequestFor(request, identity.name),
    });
    const outcome = await run.deps.apply(kinds.secret, plan.secret, { owner: run.owner });
    if (outcome.result === 'conflict') return run.conflict(outcome);
    const { reissued: why, notAfter, renewalTime } = plan;
    if (why) {
      const verb = why === 'Missing' ? 'Issued' : 'Renewed';
      const asked =
        why === 'Requested' ? ` (${platformAnnotations.renewCertificates}=${request?.value})` : '';
      const note = `${verb} the certificate of ${identity.name} (Secret ${identity.secretName}) because ${reissueWording[why]}${asked}; valid until ${notAfter.toISOString()}, renewal at ${renewalTime.toISOString()}`;
      run.event('Normal', `Certificate${verb}`, note);
    }
    run.report(identity.name, identity.secretName, notAfter, renewalTime);
    nextCheck = Math.min(nextCheck, renewalTime.getTime());
  }
  const rotating = step.state.next ? '; a CA rotation is in progress and both roots are trusted' : '';
  const message = `All ${run.identities.length} certificates are valid, signed by the CA ${active.fingerprint.slice(0, 16)}; the next renewal is at ${new Date(nextCheck).toISOString()}${rotating}`;
  return run.outcome('True', ConditionReason.Reconciled, message, {
    requeueAfterMs: Math.max(1000, nextCheck - input.now.getTime()),
  });
}
