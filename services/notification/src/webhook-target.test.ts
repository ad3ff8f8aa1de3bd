import { describe, expect, it } from 'vitest';
import { isInternalAddress, postJson, urlProblem } from './webhook-target.js';

const production = { allowPlainHttp: false, allowPrivateAddresses: false };

describe('webhook targets', () => {
  it('in production accept only https URLs to public addresses', () => {
    expect(urlProblem('https://hooks.example.com/quire', production)).toBeUndefined();
    expect(urlProblem('http://hooks.example.com/quire', production)).toBe('must use https');
    expect(urlProblem('https://user:pw@hooks.example.com/', production)).toBe('must not carry credentials');
    expect(urlProblem('https://169.254.169.254/latest/meta-data', production)).toMatch(/private/);
    expect(urlProblem('https://[::1]:8443/', production)).toMatch(/private/);
  });

  it('recognise internal addresses, IPv4-mapped IPv6 included', () => {
    for (const a of [
      '10.1.2.3',
      '127.0.0.1',
      '172.20.0.1',
      '192.168.1.1',
      '::1',
      'fd00::1',
      '::ffff:10.0.0.1',
    ])
      expect(isInternalAddress(a)).toBe(true);
    for (const a of ['93.184.216.34', '2606:4700::1111']) expect(isInternalAddress(a)).toBe(false);
  });

  it('refuse at connection time a host name that resolves to loopback', async () => {
    const outcome = await postJson(
      'https://localhost:9/hook',
      '{}',
      {},
      { policy: production, timeoutMs: 1_000 },
    );
    expect(outcome).toEqual({ error: expect.stringMatching(/internal addresses/) });
  });
});
