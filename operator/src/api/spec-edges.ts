import { z } from 'zod';
import { admit, formatted, type StringFormat } from './admission-rules.js';
import { dnsSubdomain, duration, httpUrl } from './spec-common.js';

// The Platform's edges to the rest of the cluster: what it exposes (gateway routes, metrics, traces)
// and what it leaves behind when deleted.

const gatewayHostname: StringFormat = {
  pattern: /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  maxLength: 253,
  allowed: "a lowercase DNS name, optionally starting with '*.', e.g. 'docs.example.com'",
};

const sectionName: StringFormat = {
  pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  maxLength: 253,
  allowed: "a Gateway listener name: lowercase letters, digits and '-'",
};

/** Gateway API routing to the services users call and to the web app. */
export const gatewaySpec = admit(
  z.object({
    parentRef: admit(
      z.object({
        name: formatted(dnsSubdomain, 'spec.gateway.parentRef.name', 'Name of the Gateway.'),
        namespace: formatted(
          dnsSubdomain,
          'spec.gateway.parentRef.namespace',
          "Namespace of the Gateway; defaults to the Platform's namespace.",
        ).optional(),
        sectionName: formatted(
          sectionName,
          'spec.gateway.parentRef.sectionName',
          'Listener of the Gateway to attach to; omit it to attach to all that allow the routes.',
        ).optional(),
      }),
      'The Gateway (gateway.networking.k8s.io) the HTTPRoutes attach to.',
    ),
    hostnames: admit(
      z
        .array(formatted(gatewayHostname, 'spec.gateway.hostnames[]', 'A host name the routes answer.'))
        .min(1)
        .max(16),
      'Host names the services and the web app are reached at (1-16, each once).',
      [
        {
          rule: 'self.all(h, self.exists_one(g, g == h))',
          message: 'spec.gateway.hostnames must list each host name once',
          check: (self) => new Set(self).size === self.length,
        },
      ],
    ),
  }),
  'Routes from a Gateway API Gateway to the services users call (their /v1 paths) and to the web app (/, when spec.web.enabled); omit it to create no routes.',
);

/** Logs, metrics and traces. */
export const observabilitySpec = admit(
  z.object({
    otlpEndpoint: formatted(
      httpUrl('http://otel-collector.observability.svc:4318'),
      'spec.observability.otlpEndpoint',
      'OTLP/HTTP endpoint the services send traces to, e.g. http://otel-collector.observability:4318; omit it to export no traces.',
    ).optional(),
    serviceMonitor: admit(
      z.object({
        enabled: admit(
          z.boolean(),
          'Create a Prometheus Operator ServiceMonitor for the services; needs its CRD installed.',
        ).default(false),
        interval: formatted(
          duration,
          'spec.observability.serviceMonitor.interval',
          'How often Prometheus scrapes each pod.',
        ).default('30s'),
      }),
      'Prometheus scraping of the services (each serves /metrics).',
    ).prefault({}),
    logLevel: admit(
      z.enum(['debug', 'info', 'warn', 'error']),
      'Least severe level the services log.',
    ).default('info'),
  }),
  'Logs, metrics and traces of the services.',
).prefault({});

const retention = (what: string) =>
  admit(
    z.enum(['Retain', 'Delete']),
    `What happens to ${what} when the Platform is deleted: Retain keeps them (the default, so deleting a Platform never loses data), Delete removes them.`,
  ).default('Retain');

/** What becomes of the state outside the cluster when the Platform is deleted. */
export const deletionPolicySpec = admit(
  z.object({
    topics: retention('the Kafka topics'),
    schemas: retention('the PostgreSQL schemas and service roles'),
  }),
  'What becomes of state outside the cluster (Kafka topics, PostgreSQL schemas) when the Platform is deleted.',
).prefault({});
