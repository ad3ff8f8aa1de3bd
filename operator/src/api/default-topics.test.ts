import { serviceCatalogue } from '@quire/kit/catalogue';
import { describe, expect, it } from 'vitest';
import { defaultTopicSpecs, platformTopics } from './default-topics.js';

describe("the platform's own topics", () => {
  it('are named once each, under the quire. prefix', () => {
    const names = platformTopics.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^quire\.[a-z]+\.[a-z-]+$/);
  });

  it('document their purpose and key', () => {
    for (const topic of platformTopics) {
      expect(topic.purpose.length, topic.name).toBeGreaterThan(20);
      expect(topic.key.length, topic.name).toBeGreaterThan(3);
    }
  });

  it('connect only services that use Kafka', () => {
    for (const topic of platformTopics) {
      for (const service of [...topic.producers, ...topic.consumers]) {
        expect(serviceCatalogue[service].stores, `${topic.name}: ${service}`).toContain('kafka');
      }
    }
  });

  it('feed every asynchronous service, and give every asynchronous consumer a dead-letter topic', () => {
    const consumers = new Set(platformTopics.flatMap((t) => t.consumers));
    for (const service of Object.values(serviceCatalogue).filter((s) => s.async)) {
      expect(consumers, service.name).toContain(service.name);
    }
    // Document only records export outcomes: one it cannot read fails that export instead of being
    // set aside (services/document/src/export-results.ts), and audit keeps every outcome anyway.
    // A quire.document.dead-letter would be one more topic every Platform listing its topics must add.
    for (const consumer of [...consumers].filter((c) => c !== 'document')) {
      expect(platformTopics.map((t) => t.name)).toContain(`quire.${consumer}.dead-letter`);
    }
  });

  it('bring export outcomes back to document, which owns the status users read', () => {
    const results = platformTopics.find((t) => t.name === 'quire.export.results');
    expect(results?.consumers).toEqual(expect.arrayContaining(['document', 'notification', 'audit']));
  });

  it('key document events by document id, so one document is processed in order', () => {
    expect(platformTopics.find((t) => t.name === 'quire.document.events')?.key).toMatch(/^Document id/);
  });

  it('keep records for their documented retention, replicated once per zone', () => {
    const [documentEvents] = defaultTopicSpecs();
    expect(documentEvents).toEqual({
      name: 'quire.document.events',
      partitions: 12,
      replicationFactor: 3,
      config: {
        'cleanup.policy': 'delete',
        'retention.ms': String(7 * 24 * 3600 * 1000),
        'min.insync.replicas': '2',
      },
    });
  });
});
