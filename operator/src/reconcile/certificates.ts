/**
 * The certificates phase: gives every service (and the gateway) a workload certificate, renews it
 * before it expires, rotates the CA with an overlap, and reports each certificate's expiry in the
 * status, a metric and events. With the built-in issuer it signs itself (operator/src/pki); with a
 * cert-manager issuer it applies Certificate objects that produce Secrets of the same shape. A CA
 * that cannot be used stops the phase before it writes anything, so existing certificates keep serving.
 */
import { ConditionReason, ConditionType, type Platform } from '../api/index.js';
import { durationSeconds } from '../api/spec-common.js';
import { platformAnnotations } from '../pki/annotations.js';
import { type Ca, CaError } from '../pki/ca.js';
import { advanceCa, type CaState } from '../pki/ca-rotation.js';
import { buildCertificate, certificateKind, certificateStatusOf } from '../pki/cert-manager.js';
import type { CertificateExpiryMetric } from '../pki/expiry-metric.js';
import { caSecretName, platformIdentities, type WorkloadIdentity } from '../pki/identities.js';
import { planLeafSecret } from '../pki/leaf-plan.js';
import { reissueWording } from '../pki/renewal.js';
import { caSecret, readCaSecret, readLeafSecret, readUserCaSecret } from '../pki/secret-shapes.js';
import { platformKind } from '../render/kinds.js';
import type { ApplyOutcome, Owner } from '../runtime/apply.js';
import { kubeTime } from '../runtime/conditions.js';
import type { Logger } from '../runtime/logger.js';
import { type KubeObject, kinds, type ObjectKey, type ResourceKind } from '../runtime/resource-kind.js';
import type { EventSink, Phase, PhaseOutcome } from './scope.js';

/** What the phase reads and writes through: the operator's caches and applier, or fakes in tests. */
export interface CertificatesDeps {
  /** An object from the cache, else from the API: a user's CA Secret carries no operator label. */
  read(kind: ResourceKind, key: ObjectKey): Promise<KubeObject | undefined>;
  apply(kind: ResourceKind, desired: KubeObject, options: { owner: Owner }): Promise<ApplyOutcome>;
  events: EventSink;
  expiry: CertificateExpiryMetric;
}

export interface CertificatesOptions {
  /** Lifetime of a built-in CA; five years by default. */
  caLifetimeMs?: number;
  /** How long both roots are trusted before a new CA signs, and after; covers kubelet's Secret sync. */
  caOverlapMs?: number;
  clusterDomain?: string;
}

export interface CertificatesInput {
  /** The Platform as stored: the owner of everything applied, the subject of events. */
  object: KubeObject;
  platform: Platform;
  name: string;
  namespace: string;
  now: Date;
  log?: Logger;
}

/** The default overlap: longer than kubelet's Secret sync (about a minute) plus a service's reload. */
export const defaultCaOverlapMs = 10 * 60_000;
/** Look again this soon while cert-manager works or a user's CA is unusable (it is not watched). */
const recheckMs = 30_000;

/** One reconcile's working set: what it reports, and how it records. */
class Run {
  readonly certificates: Array<{ name: string; secretName: string; notAfter: string; renewalTime?: string }> =
    [];
  readonly owner: Owner;
  readonly identities: WorkloadIdentity[];
  readonly lifetimeMs: number;
  readonly renewBeforeMs: number;

  constructor(
    readonly input: CertificatesInput,
    readonly deps: CertificatesDeps,
    options: CertificatesOptions,
  ) {
    const mtls = input.platform.spec.mtls;
    this.owner = { kind: platformKind, object: input.object };
    this.identities = platformIdentities({
      platform: input.name,
      namespace: input.namespace,
      trustDomain: mtls.trustDomain,
      ...(options.clusterDomain ? { clusterDomain: options.clusterDomain } : {}),
    });
    this.lifetimeMs = durationSeconds(mtls.certificateLifetime) * 1000;
    this.renewBeforeMs = durationSeconds(mtls.renewBefore) * 1000;
  }

  report(name: string, secretName: string, notAfter: Date, renewal?: Date): void {
    const renewalTime = renewal ? { renewalTime: kubeTime(renewal) } : {};
    this.certificates.push({ name, secretName, notAfter: kubeTime(notAfter), ...renewalTime });
    const { namespace, name: platform } = this.input;
    this.deps.expiry.set({ namespace, platform, name, secret: secretName, notAfter, renewalTime: renewal });
  }

  event(type: 'Normal' | 'Warning', reason: string, note: string): void {
    this.deps.events.record(platformKind, this.input.object, { type, reason, action: 'Issue', note });
  }

  secret(name: string): Promise<KubeObject | undefined> {
    return this.deps.read(kinds.secret, { namespace: this.input.namespace, name });
  }

  outcome(
    status: 'True' | 'False',
    reason: string,
    message: string,
    extra: Partial<PhaseOutcome> = {},
  ): PhaseOutcome {
    const condition = { type: ConditionType.CertificatesReady, status, reason, message };
    return { condition, fields: { certificates: this.certificates }, ...extra };
  }

  conflict(outcome: Extract<ApplyOutcome, { result: 'conflict' }>): PhaseOutcome {
    return this.outcome('False', outcome.reason, outcome.message, { stalled: true });
  }

  /** Stops without writing: the status lists what serves now, and a person must fix the CA. */
  async stalled(reason: string, message: string): Promise<PhaseOutcome> {
    this.event('Warning', reason, message);
    for (const identity of this.identities) {
      const found = readLeafSecret(await this.secret(identity.secretName));
      if (typeof found === 'object')
        this.report(identity.name, identity.secretName, found.leaf.cert.validToDate);
    }
    return this.outcome('False', reason, message, { stalled: true, requeueAfterMs: recheckMs });
  }
}

/** cert-manager mode: one Certificate per identity; cert-manager issues, renews and reports. */
async function viaCertManager(
  run: Run,
  issuer: NonNullable<Platform['spec']['mtls']['issuer']['certManager']>,
) {
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

/** Built-in mode, CA first: the user's CA (if named), then the Platform's own CA state. */
async function resolveCa(run: Run, options: CertificatesOptions) {
  const { input } = run;
  let parent: Ca | undefined;
  const userSecret = input.object.metadata.annotations?.[platformAnnotations.caSecret];
  if (userSecret) {
    const secret = await run.secret(userSecret);
    if (!secret) {
      const message = `The CA Secret ${userSecret} named by the annotation ${platformAnnotations.caSecret} does not exist; existing certificates keep serving`;
      return run.stalled(ConditionReason.SecretNotFound, message);
    }
    try {
      parent = readUserCaSecret(secret, input.now);
    } catch (error) {
      if (!(error instanceof CaError)) throw error;
      return run.stalled(
        error.reason,
        `The CA Secret ${userSecret} cannot be used: ${error.message}; existing certificates keep serving`,
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

/** Built-in mode: the CA Secret, then each leaf, reissued only when a reason says so. */
async function builtIn(run: Run, options: CertificatesOptions): Promise<PhaseOutcome> {
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
    });
    const outcome = await run.deps.apply(kinds.secret, plan.secret, { owner: run.owner });
    if (outcome.result === 'conflict') return run.conflict(outcome);
    const { reissued: why, notAfter, renewalTime } = plan;
    if (why) {
      const verb = why === 'Missing' ? 'Issued' : 'Renewed';
      const note = `${verb} the certificate of ${identity.name} (Secret ${identity.secretName}) because ${reissueWording[why]}; valid until ${notAfter.toISOString()}, renewal at ${renewalTime.toISOString()}`;
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

/** Reconciles the Platform's certificates and returns the CertificatesReady outcome. */
export async function reconcileCertificates(
  input: CertificatesInput,
  deps: CertificatesDeps,
  options: CertificatesOptions = {},
): Promise<PhaseOutcome> {
  const run = new Run(input, deps, options);
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
