/**
 * SPIFFE workload identities, `spiffe://<trustDomain>/ns/<namespace>/sa/<serviceAccount>`, as the
 * operator writes them into certificates and as the services read them back from a peer's
 * certificate. One definition, so issuer and verifier cannot disagree on the format.
 */

/** The SPIFFE ID of a Kubernetes service account, as Istio and Linkerd spell it. */
export function spiffeId(trustDomain: string, namespace: string, serviceAccount: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The parts of a Kubernetes-style SPIFFE ID, or undefined when `id` is not one. */
export function parseSpiffeId(
  id: string,
): { trustDomain: string; namespace: string; serviceAccount: string } | undefined {
  const match = /^spiffe:\/\/([a-z0-9._-]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(id);
  if (!match) return undefined;
  const [, trustDomain = '', namespace = '', serviceAccount = ''] = match;
  return { trustDomain, namespace, serviceAccount };
}

/**
 * The URI names in a certificate's subjectAltName as Node's TLS and X509Certificate print it
 * (`DNS:a, URI:spiffe://...`); Node quotes a value as a JSON string when it holds a comma or quote.
 */
export function subjectAltNameUris(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  const uris: string[] = [];
  // Entries are `TYPE:value` or `TYPE:"json string"`, separated by ", ".
  const entry = /(?:^|, )([A-Za-z ]+):("(?:[^"\\]|\\.)*"|[^,]*)/g;
  for (const [, type, raw = ''] of subjectAltName.matchAll(entry)) {
    if (type !== 'URI') continue;
    uris.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw);
  }
  return uris;
}

/** The DNS names in a subjectAltName string, in order. */
export function subjectAltNameDnsNames(subjectAltName: string | undefined): string[] {
  if (!subjectAltName) return [];
  return subjectAltName
    .split(', ')
    .filter((e) => e.startsWith('DNS:'))
    .map((e) => e.slice(4));
}

/**
 * The one SPIFFE ID a certificate carries, or undefined. An X.509-SVID has exactly one URI SAN; a
 * certificate with several spiffe:// URIs is ambiguous and names nobody.
 */
export function spiffeIdOf(subjectAltName: string | undefined): string | undefined {
  const ids = subjectAltNameUris(subjectAltName).filter((u) => u.startsWith('spiffe://'));
  return ids.length === 1 ? ids[0] : undefined;
}
