/**
 * `quire status`: what a Platform reports, as one documented view (the `-o json|yaml` shape) and its
 * human rendering. Topics have no per-topic status in the API, so the view lists the topics the spec
 * asks for and TopicsReady says whether they all exist.
 */
import type { Condition } from '@quire/operator';
import { humanDuration, relativeTime } from '../output/format.js';
import { paint, statusColour } from '../output/style.js';
import { type Cell, renderTable, section } from '../output/table.js';
import { conditionOf, isCurrent, type PlatformObject } from './platform.js';

/** The `-o json` shape of `quire status`. */
export interface StatusView {
  name: string;
  namespace: string;
  generation: number | undefined;
  observedGeneration: number | undefined;
  paused: boolean;
  ready: boolean;
  servicesReady: string | undefined;
  conditions: Condition[];
  services: Array<{
    name: string;
    image: string | undefined;
    readyReplicas: number;
    desiredReplicas: number;
    zones: Array<{ zone: string; readyReplicas: number; desiredReplicas: number }>;
  }>;
  certificates: Array<{
    name: string;
    secretName: string | undefined;
    notAfter: string;
    renewalTime: string | undefined;
  }>;
  topics: Array<{ name: string; partitions: number | undefined; replicationFactor: number | undefined }>;
  schemas: Array<{ service: string; schema: string; version: string; appliedAt: string | undefined }>;
}

/** The status view of a Platform as read from the cluster. */
export function statusView(platform: PlatformObject): StatusView {
  const status = platform.status ?? {};
  const ready = conditionOf(platform, 'Ready');
  return {
    name: platform.metadata.name,
    namespace: platform.metadata.namespace,
    generation: platform.metadata.generation,
    observedGeneration: status.observedGeneration,
    paused: platform.spec?.paused === true,
    ready: ready?.status === 'True' && isCurrent(platform, ready),
    servicesReady: status.servicesReady,
    conditions: status.conditions ?? [],
    services: (status.services ?? []).map((s) => ({
      name: s.name,
      image: s.image,
      readyReplicas: s.readyReplicas,
      desiredReplicas: s.desiredReplicas,
      zones: (s.zones ?? []).map((z) => ({
        zone: z.zone,
        readyReplicas: z.readyReplicas,
        desiredReplicas: z.desiredReplicas,
      })),
    })),
    certificates: (status.certificates ?? []).map((c) => ({
      name: c.name,
      secretName: c.secretName,
      notAfter: c.notAfter,
      renewalTime: c.renewalTime,
    })),
    topics: (platform.spec?.kafka?.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitions,
      replicationFactor: t.replicationFactor,
    })),
    schemas: (status.schemas ?? []).map((s) => ({
      service: s.service,
      schema: s.schema,
      version: s.version,
      appliedAt: s.appliedAt,
    })),
  };
}

const statusCell = (status: string | undefined): Cell => ({
  text: status ?? '-',
  colour: statusColour(status),
});

const replicasCell = (ready: number, desired: number): Cell => ({
  text: `${ready}/${desired}`,
  colour: ready >= desired ? 'green' : ready === 0 && desired > 0 ? 'red' : 'yellow',
});

/** The conditions as a table, with how long each has held. */
export function conditionsTable(conditions: readonly Condition[], now = Date.now()): string {
  return renderTable(
    ['TYPE', 'STATUS', 'REASON', 'SINCE', 'MESSAGE'],
    conditions.map((c) => [
      c.type,
      statusCell(c.status),
      c.reason,
      humanDuration((now - Date.parse(c.lastTransitionTime)) / 1000),
      c.message,
    ]),
  );
}

/** Per service, ready/desired overall and in each zone (zones as columns). */
export function servicesTable(services: StatusView['services']): string {
  const zones = [...new Set(services.flatMap((s) => s.zones.map((z) => z.zone)))].sort();
  return renderTable(
    ['SERVICE', 'READY', ...zones.map((z) => z.toUpperCase()), 'IMAGE'],
    services.map((s) => [
      s.name,
      replicasCell(s.readyReplicas, s.desiredReplicas),
      ...zones.map((zone) => {
        const z = s.zones.find((x) => x.zone === zone);
        return z ? replicasCell(z.readyReplicas, z.desiredReplicas) : '-';
      }),
      s.image ?? '-',
    ]),
  );
}

/** Certificates with their expiry, red within a day, yellow once past renewal time. */
export function certificatesTable(certificates: StatusView['certificates'], now = Date.now()): string {
  return renderTable(
    ['NAME', 'SECRET', 'EXPIRES', 'NOT AFTER', 'RENEWAL'],
    certificates.map((c) => {
      const left = Date.parse(c.notAfter) - now;
      const due = c.renewalTime !== undefined && Date.parse(c.renewalTime) <= now;
      const colour = left < 86_400_000 ? 'red' : due ? 'yellow' : 'green';
      return [
        c.name,
        c.secretName ?? '-',
        { text: relativeTime(c.notAfter, now), colour },
        c.notAfter,
        relativeTime(c.renewalTime, now),
      ];
    }),
  );
}

/** The human rendering of `quire status`. */
export function renderStatus(view: StatusView, now = Date.now()): string {
  const state = view.paused
    ? paint('yellow', 'Paused')
    : view.ready
      ? paint('green', 'Ready')
      : paint('red', 'Not ready');
  const generations = `generation ${view.generation ?? '?'}, observed ${view.observedGeneration ?? 'never'}`;
  const parts = [
    `${paint('bold', `Platform ${view.namespace}/${view.name}`)}: ${state} (${generations}; services ready ${view.servicesReady ?? '-'})`,
    section(
      'Conditions',
      view.conditions.length
        ? conditionsTable(view.conditions, now)
        : 'None reported yet: is the operator running?',
    ),
    section('Services', view.services.length ? servicesTable(view.services) : 'None reported yet'),
    section(
      'Certificates',
      view.certificates.length ? certificatesTable(view.certificates, now) : 'None reported yet',
    ),
  ];
  const topicsReady = view.conditions.find((c) => c.type === 'TopicsReady');
  parts.push(
    section(
      `Topics (from the spec; TopicsReady=${topicsReady?.status ?? 'not reported'})`,
      renderTable(
        ['TOPIC', 'PARTITIONS', 'REPLICATION'],
        view.topics.map((t) => [t.name, String(t.partitions ?? '-'), String(t.replicationFactor ?? '-')]),
      ),
    ),
    section(
      'Schemas',
      view.schemas.length
        ? renderTable(
            ['SERVICE', 'SCHEMA', 'VERSION', 'APPLIED'],
            view.schemas.map((s) => [s.service, s.schema, s.version, relativeTime(s.appliedAt, now)]),
          )
        : 'None reported yet',
    ),
  );
  return parts.join('\n\n');
}
