/**
 * The built-in issuer's CA for one reconcile: the user's CA named by spec.mtls.issuer.caSecretRef
 * (if any) above the Platform's own CA, read from their Secrets and moved one step along its rotation.
 * A CA that cannot be used stops the phase here, before anything is written, so the certificates
 * already issued keep serving while a person fixes it.
 */
import { ConditionReason } from '../api/index.js';
import { platformAnnotations } from '../pki/annotations.js';
import { type Ca, CaError } from '../pki/ca.js';
import { advanceCa, type CaState, type CaStep } from '../pki/ca-rotation.js';
import { caSecretName } from '../pki/identities.js';
import { readCaSecret, readUserCaSecret } from '../pki/secret-shapes.js';
import { retiredCaAnnotation } from './certificates-requests.js';
import type { CertificatesOptions, CertificatesRun } from './certificates-run.js';
import type { PhaseOutcome } from './scope.js';

/** The default overlap: longer than kubelet's Secret sync (about a minute) plus a service's reload. */
const defaultCaOverlapMs = 10 * 60_000;

/** Built-in mode, CA first: the user's CA (if the spec names one), then the Platform's own CA state. */
export async function resolveCa(
  run: CertificatesRun,
  options: CertificatesOptions,
): Promise<CaStep | PhaseOutcome> {
  const { input } = run;
  const retired = retiredCaAnnotation(run);
  if (retired) return retired;
  let parent: Ca | undefined;
  const ref = input.platform.spec.mtls.issuer.caSecretRef;
  if (ref) {
    const secret = await run.secret(ref.name);
    if (!secret) {
      const message = `The CA Secret ${ref.name} named by spec.mtls.issuer.caSecretRef does not exist in namespace ${input.namespace}; existing certificates keep serving`;
      return run.stalled(ConditionReason.SecretNotFound, message);
    }
    try {
      parent = readUserCaSecret(secret, input.now, ref);
    } catch (error) {
      if (!(error instanceof CaError)) throw error;
      return run.stalled(
        error.reason,
        `The CA Secret ${ref.name} named by spec.mtls.issuer.caSecretRef cannot be used: ${error.message}; existing certificates keep serving`,
      );
    }
  }
  const caName = caSecretName(input.name);
  const found = await run.secret(caName);
  let current: CaState | undefined;
  try {
    current = found ? readCaSecret(found, input.now) : undefined;
  } catch (error) {
    if (!(error instanceof CaError)) throw error;
    const message = `The CA Secret ${caName} cannot be used: ${error.message}; existing certificates keep serving. Delete the Secret to create a new CA (every certificate is then reissued at once)`;
    return run.stalled(error.reason, message);
  }
  return advanceCa(current, {
    now: input.now,
    parent,
    rotationToken: input.object.metadata.annotations?.[platformAnnotations.rotateCa],
    policy: {
      commonName: `Quire ${input.namespace}/${input.name} CA`,
      overlapMs: options.caOverlapMs ?? defaultCaOverlapMs,
      ...(options.caLifetimeMs !== undefined ? { lifetimeMs: options.caLifetimeMs } : {}),
    },
  });
}
