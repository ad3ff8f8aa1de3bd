/**
 * What a person asks of the certificates phase through the Platform's annotations: a renewal of
 * some certificates (renew-request.ts), and the retired ca-secret annotation, which is answered in
 * the status or an event until it is removed. It is never ignored quietly: with the field unset,
 * going on without it would replace the user's CA by a root of the operator's own.
 */
import { ConditionReason } from '../api/index.js';
import { platformAnnotations, retiredPlatformAnnotations } from '../pki/annotations.js';
import { certificateName } from '../pki/identities.js';
import { parseRenewRequest, type RenewRequest } from '../pki/renew-request.js';
import type { CertificatesRun } from './certificates-run.js';
import type { PhaseOutcome } from './scope.js';

const renewKey = platformAnnotations.renewCertificates;
const caSecretKey = retiredPlatformAnnotations.caSecret;
const annotationsOf = (run: CertificatesRun) => run.input.object.metadata.annotations ?? {};
const removeCommand = (run: CertificatesRun, key: string) =>
  `kubectl annotate platform ${run.input.name} -n ${run.input.namespace} ${key}-`;

/** Built-in mode: the renewal request, if any and well formed; a malformed one is a Warning event. */
export function renewRequestOf(run: CertificatesRun): RenewRequest | undefined {
  const value = annotationsOf(run)[renewKey];
  if (value === undefined) return undefined;
  const parsed = parseRenewRequest(
    value,
    run.identities.map((i) => i.name),
  );
  if ('names' in parsed) return parsed;
  run.event('Warning', 'RenewRequestInvalid', `Did not act on ${renewKey}=${value}: ${parsed.problem}`);
  return undefined;
}

/**
 * Built-in mode: stops the phase while the retired annotation names a CA the spec does not; when
 * the spec names the same Secret, goes on and says the annotation can go.
 */
export function retiredCaAnnotation(run: CertificatesRun): Promise<PhaseOutcome> | undefined {
  const named = annotationsOf(run)[caSecretKey];
  if (named === undefined) return undefined;
  const ref = run.input.platform.spec.mtls.issuer.caSecretRef;
  const remove = removeCommand(run, caSecretKey);
  if (ref?.name === named || named === '') {
    run.event(
      'Warning',
      ConditionReason.RetiredAnnotation,
      `The annotation ${caSecretKey} is no longer read (spec.mtls.issuer.caSecretRef names the CA): remove it with ${remove}`,
    );
    return undefined;
  }
  const instead = ref
    ? `spec.mtls.issuer.caSecretRef names ${ref.name}, the annotation ${named}: remove the annotation (${remove}), or set caSecretRef.name to ${named} if that is the CA meant`
    : `set spec.mtls.issuer.caSecretRef.name to ${named} (the keys default to tls.crt and tls.key) and remove the annotation (${remove})`;
  return run.stalled(
    ConditionReason.RetiredAnnotation,
    `The annotation ${caSecretKey} is no longer read: a CA you supply is named by spec.mtls.issuer.caSecretRef. Nothing is changed until it moves: ${instead}; existing certificates keep serving`,
  );
}

/** cert-manager mode: neither annotation applies; each present one is a Warning saying what to do. */
export function warnIgnoredAnnotations(run: CertificatesRun): void {
  const annotations = annotationsOf(run);
  const { name, namespace } = run.input;
  const renew = annotations[renewKey];
  if (renew !== undefined) {
    const parsed = parseRenewRequest(
      renew,
      run.identities.map((i) => i.name),
    );
    const certificates =
      'names' in parsed ? parsed.names.map((n) => certificateName(name, n)).join(' ') : '<certificate>...';
    run.event(
      'Warning',
      'RenewRequestIgnored',
      `Did not act on ${renewKey}=${renew}: cert-manager issues this Platform's certificates, so renew them with cmctl renew -n ${namespace} ${certificates}, and remove the annotation (${removeCommand(run, renewKey)})`,
    );
  }
  if (annotations[caSecretKey] !== undefined) {
    run.event(
      'Warning',
      ConditionReason.RetiredAnnotation,
      `The annotation ${caSecretKey} is no longer read, and a cert-manager issuer holds the CA anyway: remove it with ${removeCommand(run, caSecretKey)}`,
    );
  }
}
