/**
 * OpenTelemetry tracing: the SDK with a batching span processor and ratio sampling that follows the
 * caller's decision, and W3C trace context carried in and out of HTTP and Kafka headers.
 */
import { type Context, context, propagation, type TextMapGetter, trace } from '@opentelemetry/api';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace';

export interface TracingOptions {
  service: string;
  /** OTLP/HTTP collector base URL; without it spans are sampled and propagated but not exported. */
  otlpEndpoint?: string | undefined;
  sampleRatio: number;
  /** Extra processors (tests pass a SimpleSpanProcessor over an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

/** Starts the OpenTelemetry SDK for the process; call `shutdown()` on exit to flush the last batch. */
export function startTracing(options: TracingOptions): { shutdown: () => Promise<void> } {
  const processors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (options.otlpEndpoint) {
    const url = `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces`;
    processors.push(
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url }),
        maxQueueSize: 4096,
        maxExportBatchSize: 512,
        scheduledDelayMillis: 2000,
      }),
    );
  }
  // Without an exporter the SDK would not install a tracer provider at all; a no-op processor keeps
  // trace ids and W3C propagation working (logs and events still carry the caller's trace).
  if (processors.length === 0) processors.push(new NoopSpanProcessor());
  const sdk = new NodeSDK({
    serviceName: options.service,
    resource: resourceFromAttributes({ 'service.name': options.service, 'service.namespace': 'quire' }),
    autoDetectResources: false,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    spanProcessors: processors,
    textMapPropagator: new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}

/** The tracer every kit component uses. */
export const tracer = () => trace.getTracer('@quire/kit');

type Carrier = Record<string, string | string[] | Buffer | undefined>;

const carrierGetter: TextMapGetter<Carrier> = {
  keys: (c) => Object.keys(c),
  get: (c, key) => {
    const v = c[key] ?? c[key.toLowerCase()];
    if (v === undefined) return undefined;
    if (Array.isArray(v)) return v.map(String);
    return Buffer.isBuffer(v) ? v.toString('utf8') : v;
  },
};

/** The context carried by incoming headers (HTTP request or Kafka message). */
export function extractTraceContext(headers: Carrier, parent: Context = context.active()): Context {
  return propagation.extract(parent, headers, carrierGetter);
}

/** The `traceparent`/`tracestate` headers of the active context, for an outgoing call or message. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const out: Record<string, string> = {};
  propagation.inject(ctx, out);
  return out;
}
