/**
 * `quire certs`: the certificates a Platform reports and their expiry, and `--rotate`, which asks the
 * operator for a CA rotation through the Platform's rotate-ca annotation. A new CA reissues every
 * leaf once it signs, so this rotates everything; the operator has no request for one leaf alone.
 */
import { CliError } from '../errors.js';
import { type OutputFormat, printView, relativeTime } from '../output/format.js';
import { paint, statusColour } from '../output/style.js';
import { connectKube, type KubeOptions } from './client.js';
import { conditionOf, findPlatform, type PlatformObject, patchPlatform, platformRef } from './platform.js';
import { certificatesTable } from './platform-view.js';

/**
 * The operator's annotation (operator/src/pki/annotations.ts, `platformAnnotations.rotateCa`): any
 * new value starts one rotation. Spelled here because @quire/operator does not export it yet.
 */
export const rotateCaAnnotation = 'platform.quire.dev/rotate-ca';

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

/** Lists the certificates, or with `rotate` requests a CA rotation first. */
export async function runCerts(
  name: string | undefined,
  options: KubeOptions & { output: OutputFormat; rotate?: boolean },
): Promise<void> {
  const kube = await connectKube(options);
  let platform = await findPlatform(kube, name);
  if (options.rotate) {
    if (platform.spec?.mtls?.issuer?.type === 'CertManager') {
      throw new CliError(
        `Platform ${platformRef(platform)} gets its certificates from cert-manager, which owns their rotation`,
        `Renew them with cert-manager: cmctl renew -n ${kube.namespace} --all`,
      );
    }
    const token = new Date().toISOString();
    platform = await patchPlatform(kube, platform.metadata.name, {
      metadata: { annotations: { [rotateCaAnnotation]: token } },
    });
    process.stderr.write(
      `Requested a CA rotation of Platform ${platformRef(platform)} (${rotateCaAnnotation}=${token}): the operator publishes a new CA in the trust bundle now, signs with it after the overlap (10 minutes by default) and then reissues every certificate\n`,
    );
  }
  const view = certsView(platform);
  printView(options.output, view, renderCerts);
  const expired = view.certificates.filter((c) => c.expiresInSeconds < 0);
  for (const c of expired) {
    const line = `The certificate ${c.name} expired ${relativeTime(c.notAfter)}; quire events shows why it was not renewed`;
    process.stderr.write(`${paint('red', line, process.stderr)}\n`);
  }
}
