/**
 * One certificates reconcile's working set: what the phase reads through, the Platform it works
 * for, and how it records what it finds. Every certificate it reports lands in three places at once
 * (the status, the expiry metric, and the outcome it returns), so the two issuing modes and the
 * stop on an unusable CA cannot report differently.
 */
import { ConditionType, type Platform } from '../api/index.js';
import { durationSeconds } from '../api/spec-common.js';
import type { CertificateExpiryMetric } from '../pki/expiry-metric.js';
import { platformIdentities, type WorkloadIdentity } from '../pki/identities.js';
import { readLeafSecret } from '../pki/secret-shapes.js';
import { platformKind } from '../render/kinds.js';
import type { ApplyOutcome, Owner } from '../runtime/apply.js';
import { kubeTime } from '../runtime/conditions.js';
import type { Logger } from '../runtime/logger.js';
import { type KubeObject, kinds, type ObjectKey, type ResourceKind } from '../runtime/resource-kind.js';
import type { EventSink, PhaseOutcome } from './scope.js';

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

/** Look again this soon while cert-manager works or a user's CA is unusable (it is not watched). */
export const recheckMs = 30_000;

/** One reconcile's working set: what it reports, and how it records. */
export class CertificatesRun {
  readonly certificates: Array<{ name: string; secretName: string; notAfter: string; renewalTime?: string }> =
    [];
  readonly owner: Owner;
  readonly identities: WorkloadIdentity[];
  readonly lifetimeMs: number;
  readonly renewBeforeMs: number;

  readonly input: CertificatesInput;
  readonly deps: CertificatesDeps;

  constructor(input: CertificatesInput, deps: CertificatesDeps, options: CertificatesOptions) {
    this.input = input;
    this.deps = deps;
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
