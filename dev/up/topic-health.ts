/**
 * Kafka topic names are fixed platform-wide, and the local Kafka is shared: a test elsewhere that
 * deletes its Platform's topics (Delete policy) deletes these too, and they stay missing (the broker
 * does not auto-create topics; a broker that did would re-create them with one partition). The
 * operator repairs that on its next reconcile, which `make up` asks for at once; the services' Kafka
 * clients, left with a stale view of the topics, are then restarted.
 */
import { stackSetting } from '@quire/dev';
import { Kafka, logLevel } from 'kafkajs';
import { type KubeObject, kubectl } from './kube.ts';
import type { UpSettings } from './settings.ts';

/** Each topic of the spec that Kafka lacks or has with fewer partitions than the spec, as a phrase. */
export async function topicProblems(platform: KubeObject): Promise<string[]> {
  const wanted =
    (platform.spec?.kafka as { topics?: { name: string; partitions: number }[] } | undefined)?.topics ?? [];
  const kafka = new Kafka({
    brokers: stackSetting('QUIRE_KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const present = wanted.filter((t) => existing.has(t.name));
    // Only existing topics are described: a metadata request for a missing one could create it.
    const { topics } =
      present.length > 0
        ? await admin.fetchTopicMetadata({ topics: present.map((t) => t.name) })
        : { topics: [] };
    const partitions = new Map(topics.map((t) => [t.name, t.partitions.length]));
    return wanted.flatMap((t) => {
      if (!existing.has(t.name)) return [`${t.name} is missing`];
      const n = partitions.get(t.name) ?? 0;
      return n < t.partitions ? [`${t.name} has ${n} of ${t.partitions} partitions`] : [];
    });
  } finally {
    await admin.disconnect();
  }
}

/** Repairs the topics through the operator when needed; true when it had to (clients need a restart). */
export async function repairTopics(
  s: UpSettings,
  platform: KubeObject,
  print: (line: string) => void,
): Promise<boolean> {
  const problems = await topicProblems(platform);
  if (problems.length === 0) return false;
  print(`  topics changed under the Platform (${problems.join('; ')}): asking the operator to reconcile`);
  // Any change to the object wakes the operator; an annotation changes nothing it renders.
  await kubectl([
    '-n',
    s.namespace,
    'annotate',
    '--overwrite',
    `platform/${s.platform}`,
    `quire.dev/up-at=${Date.now()}`,
  ]);
  const deadline = Date.now() + 60_000;
  while ((await topicProblems(platform)).length > 0) {
    if (Date.now() > deadline)
      throw new Error(`The operator did not repair the topics within 60s: ${problems.join('; ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  print('  topics repaired; the services will be restarted so their Kafka clients see them');
  return true;
}
