import { TcpProxy } from '@quire/kit/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Caller, startUser, type UserHarness } from './harness.js';

let h: UserHarness;
let c: Caller;
beforeAll(async () => {
  h = await startUser();
  c = await h.caller();
});
afterAll(() => h?.close());

describe('operating the User service', () => {
  it('serves /metrics, /readyz and /openapi.json', async () => {
    await request(h.app.api).get(`/v1/users/${c.accountId}`).set('authorization', `Bearer ${c.accessToken}`);
    const metrics = await request(h.app.ops).get('/metrics').expect(200);
    expect(metrics.text).toContain(
      'http_server_requests_total{method="GET",route="/v1/users/:id",status="404",service="user"} 1',
    );
    expect(await request(h.app.ops).get('/readyz').expect(200)).toHaveProperty('body', {
      ready: true,
      checks: { postgres: 'ok' },
    });
    const doc = await request(h.app.api).get('/openapi.json').expect(200);
    expect(doc.body.openapi).toBe('3.1.0');
    expect(doc.body.paths['/v1/users/{id}'].patch.parameters).toContainEqual(
      expect.objectContaining({ name: 'if-match', in: 'header', required: true }),
    );
    expect(doc.body.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('when PostgreSQL goes away, /readyz fails and requests answer 503 with Retry-After; when it is back, both recover without a restart', async () => {
    const url = new URL(process.env.QUIRE_POSTGRES_URL ?? '');
    const proxy = await new TcpProxy({ host: url.hostname, port: Number(url.port) }).start();
    url.port = String(proxy.port);
    const viaProxy = await h.build(url.toString());
    const api = () =>
      request(viaProxy.app.api)
        .get(`/v1/users/${c.accountId}`)
        .set('authorization', `Bearer ${c.accessToken}`);
    try {
      await api().expect(404);
      await request(viaProxy.app.ops).get('/readyz').expect(200);

      await proxy.cut();
      const ready = await request(viaProxy.app.ops).get('/readyz');
      expect(ready.status).toBe(503);
      expect(ready.body.checks.postgres).toMatch(/^failed/);
      const res = await api();
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.body.type).toBe('urn:quire:problem:unavailable');

      await proxy.restore();
      await request(viaProxy.app.ops).get('/readyz').expect(200);
      await api().expect(404);
    } finally {
      await proxy.cut();
      await viaProxy.pool.end();
    }
  });
});
