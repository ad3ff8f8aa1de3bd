import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newEvent, toMessage } from './events.js';
import { createServiceApp } from './service-app.js';
import { testLogger } from './testing/index.js';
import { extractTraceContext, startTracing, traceHeaders, tracer } from './tracing.js';

describe('tracing with W3C trace context', () => {
  const exporter = new InMemorySpanExporter();
  let sdk: { shutdown: () => Promise<void> };
  beforeAll(() => {
    sdk = startTracing({
      service: 'test',
      sampleRatio: 0,
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
  });
  afterAll(async () => {
    await sdk.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
  });

  const parent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

  it('continues the caller trace on a request, following its sampling decision, named by route', async () => {
    let eventHeaders: Record<string, string> = {};
    const app = createServiceApp({
      service: 'test',
      logger: testLogger(),
      environment: 'test',
      routes: (r) =>
        r.route(
          {
            method: 'post',
            path: '/v1/things/:id',
            operationId: 'touch',
            summary: 'Touch',
            authenticated: false,
            responses: { 204: { description: 'Touched' } },
          },
          async () => {
            eventHeaders = toMessage(
              't',
              newEvent({ type: 'touched', source: 'test', subject: 'x', data: {} }),
            ).headers;
            return { status: 204 };
          },
        ),
    });
    await request(app.api).post('/v1/things/42').set('traceparent', parent).expect(204);
    const span = exporter.getFinishedSpans().at(-1);
    expect(span?.name).toBe('POST /v1/things/:id');
    expect(span?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(span?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    // The event written during the request carries the same trace to Kafka consumers.
    expect(eventHeaders.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
  });

  it('does not record new root traces when the sample ratio is 0', async () => {
    exporter.reset();
    const app = createServiceApp({
      service: 'test',
      logger: testLogger(),
      environment: 'test',
      routes: () => {},
    });
    await request(app.api).get('/nothing');
    expect(exporter.getFinishedSpans()).toHaveLength(0);
  });

  it('keeps propagating the caller trace into events when no exporter is configured', async () => {
    await sdk.shutdown();
    trace.disable();
    propagation.disable();
    context.disable();
    sdk = startTracing({ service: 'test', sampleRatio: 0.1 });
    const ctx = extractTraceContext({ traceparent: parent });
    const headers = context.with(ctx, () =>
      tracer().startActiveSpan('work', (span) => {
        span.end();
        return traceHeaders();
      }),
    );
    expect(headers.traceparent).toMatch(
      /^00-0af7651916cd43dd8448eb211c80319c-(?!b7ad6b7169203331)[0-9a-f]{16}-01$/,
    );
  });

  it('extracts a context from Kafka headers (Buffers) and injects it into outgoing headers', () => {
    const ctx = extractTraceContext({ traceparent: Buffer.from(parent) });
    expect(traceHeaders(ctx).traceparent).toBe(parent);
  });
});
