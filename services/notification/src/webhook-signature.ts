/**
 * Signing webhook deliveries, so a receiver knows a body came from Quire and was not replayed:
 *
 *   Quire-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is inside the MAC, so a receiver refuses signatures older than a few minutes; `v1`
 * names the scheme, so a future one can be sent beside it during a change-over.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const signatureHeader = 'Quire-Signature';

/** A new webhook secret: 32 random bytes, prefixed so it is recognisable in a leak scan. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

const mac = (secret: string, t: number, body: string) =>
  createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');

/** The header value for `body` signed at `at`. */
export function signBody(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${mac(secret, t, body)}`;
}

/** What a receiver does: true when a v1 signature matches and is at most `toleranceSeconds` old. */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  options: { now?: Date; toleranceSeconds?: number } = {},
): boolean {
  const parts = new Map<string, string[]>();
  for (const item of header.split(',')) {
    const [k, v] = item.split('=', 2);
    if (k && v) parts.set(k.trim(), [...(parts.get(k.trim()) ?? []), v.trim()]);
  }
  const t = Number(parts.get('t')?.[0]);
  if (!Number.isInteger(t)) return false;
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  if (Math.abs(now - t) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(mac(secret, t, body), 'hex');
  return (parts.get('v1') ?? []).some((v) => {
    const given = Buffer.from(v, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
