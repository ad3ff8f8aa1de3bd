/**
 * `quire certs`: the certificates a Platform reports and their expiry. `--rotate` asks the operator
 * for a CA rotation (the Platform's rotate-ca annotation), which reissues every certificate once the
 * new CA signs; `--renew <name>` asks it to reissue only the certificates named, with new keys (the
 * renew-certificates annotation), as `cmctl renew` does for cert-manager. Both are requests recorded
 * on the Platform: the operator acts on each new value once.
 */
import { certificateName, identityNames, platformAnnotations, renewRequestValue } from '@quire/operator';
import { CliError, UsageError } from '../errors.js';
import { type OutputFormat, printView, relativeTime } from '../output/format.js';
import { paint, statusColour } from '../output/style.js';
import { connectKube, type KubeOptions } from './client.js';
import { conditionOf, findPlatform, type PlatformObject, patchPlatform, platformRef } from './platform.js';
import { certificatesTable } from './platform-view.js';

/** The `-o json` shape of `quire certs`. */
export interface CertsView {
  platform: string;
  issuer: string;
  ready: { status: string; reason: string; message: string } | undefined;
  certificates: Array<{
    name: string;
    secretName: string | undefined;
    notAfter: string;
    renewalTime: string | undefined;
    expiresInSeconds: number;
  }>;
}

/** The certificates view of a Platform. */
export function certsView(platform: PlatformObject, now = Date.now()): CertsView {
  const ready = conditionOf(platform, 'CertificatesReady');
  return {
    platform: platformRef(platform),
    issuer: platform.spec?.mtls?.issuer?.type ?? 'BuiltIn',
    ready: ready ? { status: ready.status, reason: ready.reason, message: ready.message } : undefined,
    certificates: (platform.status?.certificates ?? []).map((c) => ({
      name: c.name,
      secretName: c.secretName,
      notAfter: c.notAfter,
      renewalTime: c.renewalTime,
      expiresInSeconds: Math.round((Date.parse(c.notAfter) - now) / 1000),
    })),
  };
}

function renderCerts(view: CertsView): string {
  const ready = view.ready
    ? `CertificatesReady=${paint(statusColour(view.ready.status), view.ready.status)} (${view.ready.reason}): ${view.ready.message}`
    : 'CertificatesReady is not reported yet';
  const table = view.certificates.length
    ? certificatesTable(view.certificates)
    : 'No certificates reported yet';
  return `Platform ${view.platform}, issuer ${view.issuer}\n${ready}\n\n${table}`;
}

/** What `--rotate` and `--renew` ask of the operator, as annotations and the lines that explain them. */
function requests(platform: PlatformObject, options: { rotate?: boolean; renew?: readonly string[] }) {
  const annotations: Record<string, string> = {};
  const said: string[] = [];
  const ref = platformRef(platform);
  const now = new Date();
  if (options.rotate) {
    const token = now.toISOString();
    annotations[platformAnnotations.rotateCa] = token;
    said.push(
      `Requested a CA rotation of Platform ${ref} (${platformAnnotations.rotateCa}=${token}): the operator publishes a new CA in the trust bundle now, signs with it after the overlap (10 minutes by default) and then reissues every certificate`,
    );
  }
  if (options.renew && options.renew.length > 0) {
    const value = renewRequestValue(options.renew, now);
    annotations[platformAnnotations.renewCertificates] = value;
    said.push(
      `Requested a renewal of ${[...new Set(options.renew)].join(', ')} in Platform ${ref} (${platformAnnotations.renewCertificates}=${value}): the operator issues each a new key and certificate at its next reconcile; quire events shows a CertificateRenewed event for each`,
    );
  }
  return { annotations, said };
}

/** Refuses names that are not certificates, before connecting: a usage error (exit 2). */
function checkNames(renew: readonly string[]): void {
  const unknown = renew.filter((n) => !identityNames.includes(n));
  if (unknown.length === 0) return;
  const ca = unknown.includes('ca') ? '; the CA is replaced with --rotate' : '';
  throw new UsageError(
    `--renew names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is not a certificate' : 'are not certificates'} of a Platform`,
    `Name one or more of ${identityNames.join(', ')}${ca}`,
  );
}

/** cert-manager owns its certificates: the operator would not act, so say what to run instead. */
function refuseWithCertManager(platform: PlatformObject, namespace: string, renew: readonly string[]): never {
  const ref = platformRef(platform);
  if (renew.length > 0) {
    const names = [...new Set(renew)].map((n) => certificateName(platform.metadata.name, n)).join(' ');
    throw new CliError(
      `Platform ${ref} gets its certificates from cert-manager, which renews them`,
      `Renew them with cert-manager: cmctl renew -n ${namespace} ${names}`,
    );
  }
  throw new CliError(
    `Platform ${ref} gets its certificates from cert-manager, which owns their rotation`,
    `Renew them with cert-manager: cmctl renew -n ${namespace} --all`,
  );
}

/** Lists the certificates; with `rotate` or `renew`, first asks the operator for those. */
export async function runCerts(
  name: string | undefined,
  options: KubeOptions & { output: OutputFormat; rotate?: boolean; renew?: string[] },
): Promise<void> {
  const renew = options.renew ?? [];
  checkNames(renew);
  const kube = await connectKube(options);
  let platform = await findPlatform(kube, name);
  const { annotations, said } = requests(platform, options);
  if (said.length > 0) {
    if (platform.spec?.mtls?.issuer?.type === 'CertManager')
      refuseWithCertManager(platform, kube.namespace, renew);
    platform = await patchPlatform(kube, platform.metadata.name, { metadata: { annotations } });
    for (const line of said) process.stderr.write(`${line}\n`);
  }
  const view = certsView(platform);
  printView(options.output, view, renderCerts);
  const expired = view.certificates.filter((c) => c.expiresInSeconds < 0);
  for (const c of expired) {
    const line = `The certificate ${c.name} expired ${relativeTime(c.notAfter)}; quire events shows why it was not renewed`;
    process.stderr.write(`${paint('red', line, process.stderr)}\n`);
  }
}
