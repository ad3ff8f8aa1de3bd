/**
 * Calling a user's webhook safely. Users choose the URL, so without care the service could be made
 * to call internal addresses (the cloud metadata endpoint, the database, other pods): in production
 * only https is accepted, and every address a host name resolves to is checked at connection time
 * (so a DNS answer that changes after registration cannot get around it).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';

/** What may be called: production refuses plain http and private, loopback and link-local addresses. */
export interface TargetPolicy {
  allowPlainHttp: boolean;
  allowPrivateAddresses: boolean;
}

const internal = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
] as const)
  internal.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal.addSubnet(net, prefix, 'ipv6');

/** True for addresses a webhook must not reach in production (IPv4-mapped IPv6 included). */
export function isInternalAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  const family = isIP(address);
  return family === 0 || internal.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Why a URL may not be registered, or undefined when it may. */
export function urlProblem(url: string, policy: TargetPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.protocol !== 'https:' && !(policy.allowPlainHttp && parsed.protocol === 'http:')) {
    return 'must use https';
  }
  if (parsed.username || parsed.password) return 'must not carry credentials';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (!policy.allowPrivateAddresses && isIP(host) !== 0 && isInternalAddress(host)) {
    return 'must not point at a private, loopback or link-local address';
  }
  return undefined;
}

/** A DNS lookup that fails for internal addresses, for use as the request's `lookup`. */
function guardedLookup(policy: TargetPolicy) {
  return ((hostname: string, options: object, callback: (...args: unknown[]) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const allowed = addresses.filter((a) => policy.allowPrivateAddresses || !isInternalAddress(a.address));
      if (allowed.length === 0) return callback(new Error(`${hostname} resolves only to internal addresses`));
      if ((options as { all?: boolean }).all) return callback(null, allowed);
      const first = allowed[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  }) as never;
}

/** The receiver's answer, or the reason there was none. */
export type PostOutcome = { status: number } | { error: string };

/** POSTs a JSON body; never throws, and gives up after `timeoutMs`. The answer's body is discarded. */
export function postJson(
  url: string,
  body: string,
  headers: Record<string, string>,
  options: { policy: TargetPolicy; timeoutMs: number },
): Promise<PostOutcome> {
  const problem = urlProblem(url, options.policy);
  if (problem) return Promise.resolve({ error: `The URL ${problem}` });
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(
      target,
      {
        method: 'POST',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
        lookup: guardedLookup(options.policy),
        timeout: options.timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0 }));
        res.on('error', (err) => resolve({ error: err.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`No answer within ${options.timeoutMs} ms`)));
    req.on('error', (err) => resolve({ error: err.message }));
    req.end(body);
  });
}
