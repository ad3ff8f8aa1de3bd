import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError } from './errors.js';
import { Readiness } from './health.js';
import { createServiceApp } from './service-app.js';
import { testLogger } from './testing/index.js';

const Widget = z.strictObject({ name: z.string().min(2), size: z.number().int().positive().optional() });

function widgetApp(environment: 'production' | 'development' = 'production') {
  const created: unknown[] = [];
  const readiness = new Readiness(200);
  let databaseUp = true;
  readiness.add('postgres', async () => {
    if (!databaseUp) throw new Error('connect ECONNREFUSED');
  });
  const app = createServiceApp({
    service: 'widget',
    logger: testLogger(),
    environment,
    bodyLimit: 256,
    readiness,
    routes: (r) =>
      r
        .route(
          {
            method: 'post',
            path: '/v1/widgets',
            operationId: 'createWidget',
            summary: 'Create a widget',
            authenticated: false,
            body: Widget,
            responses: { 201: { description: 'Created', body: Widget } },
            problems: [409],
          },
          async ({ body }) => {
            if (body.name === 'taken') throw new ConflictError('A widget with this name exists');
            created.push(body);
            return { status: 201, body };
          },
        )
        .route(
          {
            method: 'get',
            path: '/v1/widgets/:id',
            operationId: 'getWidget',
            summary: 'Read a widget',
            authenticated: false,
            params: z.strictObject({ id: z.uuid() }),
            responses: { 200: { description: 'The widget' } },
          },
          async ({ params }) => {
            if (params.id.startsWith('0')) {
              throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
            }
            throw new Error('boom');
          },
        ),
  });
  return { app, created, setDatabase: (up: boolean) => (databaseUp = up) };
}

describe('a service app built by the kit', () => {
  it('when a body breaks rules, it answers 400 naming each field and rule, and stores nothing', async () => {
    const { app, created } = widgetApp();
    const res = await request(app.api).post('/v1/widgets').send({ name: 'x', size: -1, colour: 'red' });
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: 'urn:quire:problem:input', status: 400, instance: '/v1/widgets' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'name', rule: 'too_small', in: 'body' }),
        expect.objectContaining({ field: 'size', rule: 'too_small' }),
        expect.objectContaining({ field: 'colour', rule: 'unknown_field' }),
      ]),
    );
    expect(created).toEqual([]);
  });

  it('when the body is larger than the limit, it answers 413', async () => {
    const { app } = widgetApp();
    const res = await request(app.api)
      .post('/v1/widgets')
      .send({ name: 'x'.repeat(1000) });
    expect(res.status).toBe(413);
    expect(res.body.type).toBe('urn:quire:problem:too-large');
  });

  it('when the body is not JSON, it answers 400', async () => {
    const { app } = widgetApp();
    const res = await request(app.api)
      .post('/v1/widgets')
      .set('content-type', 'application/json')
      .send('{"name":');
    expect(res.status).toBe(400);
  });

  it('maps the error vocabulary to its status: a conflict is 409', async () => {
    const { app } = widgetApp();
    const res = await request(app.api).post('/v1/widgets').send({ name: 'taken' });
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe('A widget with this name exists');
  });

  it('when a dependency refuses connections, it answers 503 with Retry-After', async () => {
    const { app } = widgetApp();
    const res = await request(app.api).get('/v1/widgets/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
  });

  it('hides stack traces outside development and shows them in development', async () => {
    const id = '10000000-0000-4000-8000-000000000000';
    const prod = await request(widgetApp('production').app.api).get(`/v1/widgets/${id}`);
    expect(prod.status).toBe(500);
    expect(prod.body.stack).toBeUndefined();
    expect(JSON.stringify(prod.body)).not.toContain('boom');
    const dev = await request(widgetApp('development').app.api).get(`/v1/widgets/${id}`);
    expect(dev.body.stack).toContain('boom');
  });

  it('answers 404 as a problem for unknown paths, and echoes or creates a request id', async () => {
    const { app } = widgetApp();
    const res = await request(app.api).get('/nowhere').set('x-request-id', 'abc-123');
    expect(res.status).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.body.requestId).toBe('abc-123');
    const other = await request(app.api).get('/nowhere').set('x-request-id', 'bad id with spaces');
    expect(other.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const { app } = widgetApp();
    const res = await request(app.api).get('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const post = res.body.paths['/v1/widgets'].post;
    expect(post.operationId).toBe('createWidget');
    expect(post.requestBody.content['application/json'].schema.required).toEqual(['name']);
    expect(post.responses['409']).toBeDefined();
    expect(res.body.paths['/v1/widgets/{id}'].get.parameters[0]).toMatchObject({ name: 'id', in: 'path' });
  });

  it('counts requests by route template and status on /metrics, with the process metrics', async () => {
    const { app } = widgetApp();
    await request(app.api).post('/v1/widgets').send({ name: 'good' });
    await request(app.api).post('/v1/widgets').send({ name: 'x' });
    const res = await request(app.ops).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain(
      'http_server_requests_total{method="POST",route="/v1/widgets",status="201",service="widget"} 1',
    );
    expect(res.text).toContain('http_server_requests_total{method="POST",route="/v1/widgets",status="400"');
    expect(res.text).toContain('http_server_request_duration_seconds_bucket');
    expect(res.text).toContain('http_server_requests_in_flight');
    expect(res.text).toContain('process_cpu_user_seconds_total');
  });

  it('is live always, and ready only while its dependencies answer and it is not draining', async () => {
    const { app, setDatabase } = widgetApp();
    expect((await request(app.ops).get('/livez')).status).toBe(200);
    expect((await request(app.ops).get('/readyz')).status).toBe(200);
    setDatabase(false);
    const down = await request(app.ops).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks.postgres).toContain('ECONNREFUSED');
    setDatabase(true);
    expect((await request(app.ops).get('/readyz')).status).toBe(200);
    app.readiness.drain();
    expect((await request(app.ops).get('/readyz')).status).toBe(503);
  });
});
