import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { describeFailure, ServiceProblem, UsageError } from '../errors.js';
import { resolveServer, ServiceClient } from './client.js';

const saved = {
  server: 'https://saved.example.com',
  email: 'ada@example.com',
  accountId: 'a',
  accessToken: 't',
  refreshToken: 'r',
  expiresAt: '2099-01-01T00:00:00Z',
};

describe('the server the user commands talk to', () => {
  it('is --server, else QUIRE_SERVER, else the one logged in to', () => {
    const env = process.env.QUIRE_SERVER;
    delete process.env.QUIRE_SERVER;
    expect(resolveServer('https://gw.example.com/', saved)).toBe('https://gw.example.com');
    expect(resolveServer(undefined, saved)).toBe('https://saved.example.com');
    process.env.QUIRE_SERVER = 'https://env.example.com';
    expect(resolveServer(undefined, saved)).toBe('https://env.example.com');
    if (env === undefined) delete process.env.QUIRE_SERVER;
    else process.env.QUIRE_SERVER = env;
  });

  it('may be plain http only on loopback, so tokens never cross a network unencrypted', () => {
    expect(resolveServer('http://127.0.0.1:8080', undefined)).toBe('http://127.0.0.1:8080');
    expect(resolveServer('http://localhost:8080', undefined)).toBe('http://localhost:8080');
    expect(() => resolveServer('http://quire.example.com', undefined)).toThrow(UsageError);
    expect(() => resolveServer('ftp://quire.example.com', undefined)).toThrow(/not an http\(s\) URL/);
    expect(() => resolveServer('quire', undefined)).toThrow(/not a URL/);
  });

  it('uses a session only with the server that issued it', () => {
    expect(new ServiceClient('https://saved.example.com', saved).session().accessToken).toBe('t');
    expect(() => new ServiceClient('https://other.example.com', saved).session()).toThrow(
      /not logged in to https:\/\/other/,
    );
  });
});

describe('a service that limits the caller', () => {
  it('when it answers 429 with Retry-After, the error says how long to wait', async () => {
    // A loopback server answering as User's email lookup does past its per-caller limit.
    const server = createServer((_req, res) => {
      res.writeHead(429, { 'content-type': 'application/problem+json', 'retry-after': '42' });
      res.end(JSON.stringify({ title: 'Too Many Requests', status: 429, detail: 'Too many email lookups' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const client = new ServiceClient(url, { ...saved, server: url });
      const error = await client.json('GET', '/v1/users/lookup').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ServiceProblem);
      expect((error as ServiceProblem).retryAfterSeconds).toBe(42);
      expect(describeFailure(error).lines).toEqual([
        'Too Many Requests (HTTP 429): Too many email lookups',
        'Fix: Wait 42s and try again (the service said so in Retry-After)',
      ]);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
