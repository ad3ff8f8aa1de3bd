/**
 * A person's request to reissue some certificates now, ahead of their renewal time (after a
 * suspected key leak, or to see a service reload its certificate), the built-in issuer's
 * counterpart of `cmctl renew`. It is level-based, like `rotate-ca`: the request stays written on
 * the Platform as `platform.quire.dev/renew-certificates: auth,gateway@2026-03-01T12:00:00Z`, and
 * each leaf Secret records the request it was last reissued for (`platform.quire.dev/renew-request`).
 * A leaf is reissued when the Platform's request names it and its Secret records another one; the
 * new Secret records this one, so later reconciles, resyncs and operator restarts find nothing to
 * do, and only a new value (the CLI writes the time) asks again. The request sits on the Platform
 * rather than on each Secret because that is the object a person already edits and is allowed to
 * (one patch can name several certificates), and the Secrets are written whole by the operator.
 */
import { platformAnnotations } from './annotations.js';

/** A well-formed request: its whole value (what a Secret records) and the certificates it names. */
export interface RenewRequest {
  value: string;
  names: readonly string[];
}

const example = 'auth,gateway@2026-03-01T12:00:00Z';

/** The annotation value asking to renew `names`, made unique by the time `at`. */
export function renewRequestValue(names: readonly string[], at: Date): string {
  return `${[...new Set(names)].join(',')}@${at.toISOString()}`;
}

/**
 * Reads a renew-certificates value; `known` are the Platform's identity names. A value naming
 * anything else is refused whole, so a typo never renews only part of what was meant.
 */
export function parseRenewRequest(
  value: string,
  known: readonly string[],
): RenewRequest | { problem: string } {
  const at = value.indexOf('@');
  const names = [
    ...new Set(
      (at < 0 ? '' : value.slice(0, at))
        .split(',')
        .map((n) => n.trim())
        .filter((n) => n !== ''),
    ),
  ];
  const token = at < 0 ? '' : value.slice(at + 1).trim();
  if (names.length === 0 || token === '') {
    return {
      problem: `"${value}" is not a renewal request: write <name>[,<name>...]@<a new value each time>, e.g. ${example}`,
    };
  }
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    const ca = unknown.includes('ca')
      ? `; the CA is replaced by a rotation instead (${platformAnnotations.rotateCa}, quire certs --rotate)`
      : '';
    return {
      problem: `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a certificate' : 'are not certificates'} of this Platform: name one or more of ${known.join(', ')}${ca}`,
    };
  }
  return { value, names };
}

/** The request value that applies to the certificate `name`, if the request names it. */
export function renewRequestFor(request: RenewRequest | undefined, name: string): string | undefined {
  return request?.names.includes(name) ? request.value : undefined;
}
