/**
 * Watching the Platform converge: one line each time a condition or the ready count changes, then a
 * summary of what the operator did (replicas per zone, certificates, topics, schema versions).
 */
import { getPlatform, type KubeObject } from './kube.ts';

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  observedGeneration?: number;
}

interface ServiceStatus {
  name: string;
  desiredReplicas: number;
  readyReplicas: number;
  zones?: { zone: string; desiredReplicas: number; readyReplicas: number }[];
}

interface PlatformStatus {
  observedGeneration?: number;
  conditions?: Condition[];
  servicesReady?: string;
  services?: ServiceStatus[];
  certificates?: { name: string; secretName?: string; notAfter: string }[];
  schemas?: { service: string; schema: string; version: string }[];
}

export const statusOf = (p: KubeObject | undefined) => (p?.status ?? {}) as PlatformStatus;

const isReady = (p: KubeObject) => {
  const ready = statusOf(p).conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' && ready.observedGeneration === p.metadata.generation;
};

const concerns = ['CertificatesReady', 'TopicsReady', 'SchemasReady', 'WorkloadsReady', 'Ready', 'Stalled'];

/** Polls the Platform until Ready for its current generation, printing what changes; returns it. */
export async function waitForReady(
  namespace: string,
  name: string,
  options: { timeoutMs: number; print: (line: string) => void },
): Promise<KubeObject> {
  const started = Date.now();
  const seen = new Map<string, string>();
  const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;
  for (;;) {
    const platform = await getPlatform(namespace, name);
    if (platform?.metadata.deletionTimestamp) {
      throw new Error(
        `Platform ${namespace}/${name} is being deleted; once the operator has released it (kubectl -n ${namespace} get platform), run make up again`,
      );
    }
    const status = statusOf(platform);
    for (const c of status.conditions ?? []) {
      if (!concerns.includes(c.type)) continue;
      const line = `${c.type}=${c.status} ${c.reason}`;
      if (seen.get(c.type) === line) continue;
      seen.set(c.type, line);
      const message = c.message.length > 110 ? `${c.message.slice(0, 110)}…` : c.message;
      options.print(`${stamp()}  ${line.padEnd(40)} ${message}`);
    }
    if (status.servicesReady && seen.get('services') !== status.servicesReady) {
      seen.set('services', status.servicesReady);
      options.print(`${stamp()}  services ready ${status.servicesReady}`);
    }
    if (platform && isReady(platform)) return platform;
    if (Date.now() - started > options.timeoutMs) {
      const last = (status.conditions ?? []).map((c) => `${c.type}=${c.status} (${c.reason}: ${c.message})`);
      throw new Error(
        `Platform ${namespace}/${name} is not Ready after ${options.timeoutMs / 1000}s; last seen:\n  ${last.join('\n  ') || 'no status'}\n` +
          `read the operator's log, and: kubectl -n ${namespace} describe platform ${name}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** What the operator did, as a few lines: replicas per zone, certificates, topics, schemas. */
export function summarise(platform: KubeObject): string[] {
  const status = statusOf(platform);
  const zones = [
    ...new Set((status.services ?? []).flatMap((s) => (s.zones ?? []).map((z) => z.zone))),
  ].sort();
  const lines = [`  ${'service'.padEnd(14)}${'ready'.padEnd(8)}${zones.map((z) => z.padEnd(9)).join('')}`];
  for (const s of status.services ?? []) {
    const perZone = zones.map((z) => {
      const zone = s.zones?.find((x) => x.zone === z);
      return `${zone ? `${zone.readyReplicas}/${zone.desiredReplicas}` : '-'}`.padEnd(9);
    });
    lines.push(
      `  ${s.name.padEnd(14)}${`${s.readyReplicas}/${s.desiredReplicas}`.padEnd(8)}${perZone.join('')}`,
    );
  }
  const certs = status.certificates ?? [];
  const soonest = certs.map((c) => c.notAfter).sort()[0];
  lines.push(
    `  certificates  ${certs.length} issued (${certs.map((c) => c.name).join(', ')}); first expiry ${soonest ?? '-'}`,
  );
  const topics = ((platform.spec?.kafka as { topics?: { name: string }[] } | undefined)?.topics ?? []).length;
  lines.push(`  topics        ${topics} created or confirmed on Kafka`);
  const schemas = (status.schemas ?? []).map((s) => `${s.schema}@${s.version.split('_')[0]}`);
  lines.push(`  schemas       ${schemas.length} migrated (${schemas.join(', ')})`);
  return lines;
}
