import { describe, expect, it } from 'vitest';
import { newWebhookSecret, signBody, verifySignature } from './webhook-signature.js';

describe('webhook signatures', () => {
  const secret = newWebhookSecret();
  const body = '{"kind":"export.ready"}';

  it('verify for the body and secret they were made with', () => {
    expect(signBody(secret, body)).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, body, signBody(secret, body))).toBe(true);
  });

  it('fail for another body, another secret, or a timestamp that was changed', () => {
    const header = signBody(secret, body);
    expect(verifySignature(secret, `${body} `, header)).toBe(false);
    expect(verifySignature(newWebhookSecret(), body, header)).toBe(false);
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    expect(verifySignature(secret, body, header.replace(`t=${t}`, `t=${t + 1}`))).toBe(false);
  });

  it('fail when older than the tolerance, so a captured delivery cannot be replayed later', () => {
    const header = signBody(secret, body, new Date(Date.now() - 10 * 60_000));
    expect(verifySignature(secret, body, header)).toBe(false);
    expect(verifySignature(secret, body, header, { toleranceSeconds: 3600 })).toBe(true);
  });
});
