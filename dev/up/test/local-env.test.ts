import { describe, expect, it } from 'vitest';
import { type LocalContext, localEnvironment } from '../local-env.js';
import type { PodEnvironment } from '../pod-env.js';

const ctx: LocalContext = {
  ports: { api: 14031, ops: 14032 },
  authApiPort: 14011,
  tlsDir: '/work/.run/services/document/tls',
  gatewayUrl: 'http://127.0.0.1:14000',
  routedPrefixes: ['/v1/documents', '/.well-known/jwks.json'],
  search: {},
};

const podOf = (env: Record<string, string>): PodEnvironment => ({
  env: { QUIRE_HTTP_PORT: '8080', QUIRE_OPS_PORT: '9090', ...env },
  tls: { secretName: 'quire-local-document-tls', mountPath: '/var/run/quire/tls' },
  generation: 1,
});

const jwksUrl = 'https://quire-local-auth.quire-local.svc:8080/.well-known/jwks.json';
const authId = 'spiffe://quire.local/ns/quire-local/sa/quire-local-auth';

describe("a pod's environment made local", () => {
  it("fetches the key set from auth's own mTLS port, checked by the SPIFFE ID the pod already carries", () => {
    const { env, differences } = localEnvironment(
      'document',
      podOf({ QUIRE_AUTH_JWKS_URL: jwksUrl, QUIRE_AUTH_SPIFFE_ID: authId }),
      ctx,
    );
    expect(env.QUIRE_AUTH_JWKS_URL).toBe('https://127.0.0.1:14011/.well-known/jwks.json');
    expect(env.QUIRE_AUTH_SPIFFE_ID).toBe(authId);
    expect(differences.find((d) => d.name === 'QUIRE_AUTH_JWKS_URL')).toMatchObject({
      pod: jwksUrl,
      why: expect.stringContaining('SPIFFE ID'),
    });
  });

  it('goes through the gateway for the key set when the pod names no identity for auth', () => {
    const { env } = localEnvironment('document', podOf({ QUIRE_AUTH_JWKS_URL: jwksUrl }), ctx);
    expect(env.QUIRE_AUTH_JWKS_URL).toBe('http://127.0.0.1:14000/.well-known/jwks.json');
  });

  it('changes only what must differ on one machine, and says why for each', () => {
    const { env, differences } = localEnvironment(
      'document',
      podOf({
        QUIRE_DATABASE_SCHEMA: 'documents',
        QUIRE_AUTH_JWKS_URL: jwksUrl,
        QUIRE_AUTH_SPIFFE_ID: authId,
      }),
      ctx,
    );
    expect(env).toMatchObject({
      QUIRE_HTTP_PORT: '14031',
      QUIRE_OPS_PORT: '14032',
      QUIRE_TLS_DIR: ctx.tlsDir,
      QUIRE_DATABASE_SCHEMA: 'documents',
    });
    expect(differences.map((d) => d.name).sort()).toEqual([
      'QUIRE_AUTH_JWKS_URL',
      'QUIRE_HTTP_PORT',
      'QUIRE_OPS_PORT',
      'QUIRE_TLS_DIR',
    ]);
    for (const d of differences) expect(d.why.length, d.name).toBeGreaterThan(20);
  });

  it('refuses an in-cluster URL the gateway cannot serve, rather than start a service that cannot reach it', () => {
    expect(() =>
      localEnvironment(
        'document',
        podOf({ QUIRE_SOME_URL: 'http://quire-local-search.quire-local.svc:8080/internal' }),
        ctx,
      ),
    ).toThrow(/does not route; cannot run locally/);
  });
});
