import { eventTopic, type ServiceName } from '@quire/kit/catalogue';

/**
 * A Kafka topic the platform itself needs, following the seed's event flow: the document, user and
 * auth services publish what happened; notification, audit, export and search consume it, and
 * document consumes the outcome of the exports it requested.
 */
export interface PlatformTopic {
  readonly name: string;
  /** Why the topic exists. */
  readonly purpose: string;
  /** What the record key is; records with one key stay in order on one partition. */
  readonly key: string;
  readonly producers: readonly ServiceName[];
  readonly consumers: readonly ServiceName[];
  readonly partitions: number;
  /** How long records are kept, in days. */
  readonly retentionDays: number;
}

const day = 24 * 60 * 60 * 1000;

/** Replication across the seed's three zones, so one zone can fail without losing a write. */
export const defaultReplicationFactor = 3;

/** A dead-letter topic for one consumer: records it could not process after its retries. */
function deadLetter(consumer: ServiceName): PlatformTopic {
  return {
    name: `quire.${consumer}.dead-letter`,
    purpose: `Records the ${consumer} service could not process after its retries, with the error and the source topic in headers, kept for inspection and replay.`,
    key: 'The key of the original record.',
    producers: [consumer],
    consumers: [],
    partitions: 3,
    retentionDays: 14,
  };
}

/** The platform's own topics, in the order the event flow meets them. */
export const platformTopics: readonly PlatformTopic[] = [
  {
    name: eventTopic('document'),
    purpose:
      'Document lifecycle (created, updated, versioned, shared, deleted): drives notifications, the audit log and the search index.',
    key: 'Document id, so the events of one document are consumed in order.',
    producers: ['document'],
    consumers: ['notification', 'audit', 'search'],
    partitions: 12,
    retentionDays: 7,
  },
  {
    name: eventTopic('user'),
    purpose: 'User profile and membership changes: notifications, audit, and who may find what in search.',
    key: 'User id.',
    producers: ['user'],
    consumers: ['notification', 'audit', 'search'],
    partitions: 6,
    retentionDays: 7,
  },
  {
    name: eventTopic('auth'),
    purpose:
      'Sign-ins, sign-outs, failed attempts and token revocations, for the audit log and new-device alerts.',
    key: 'User id.',
    producers: ['auth'],
    consumers: ['audit', 'notification'],
    partitions: 6,
    retentionDays: 7,
  },
  {
    name: 'quire.export.requests',
    purpose: 'Export jobs requested through the document service, picked up by the export workers.',
    key: 'Export job id.',
    producers: ['document'],
    consumers: ['export'],
    partitions: 6,
    retentionDays: 3,
  },
  {
    name: 'quire.export.results',
    purpose:
      "Finished or failed exports with the archive's download link: the document service records them as the export's status, the notification service tells the requester.",
    key: 'Export job id.',
    producers: ['export'],
    consumers: ['document', 'notification', 'audit'],
    partitions: 6,
    retentionDays: 3,
  },
  {
    name: eventTopic('audit'),
    purpose:
      "Checkpoints of the audit log's hash chain ({seq, hash, at}), published so a system outside the database (a SIEM) keeps an anchor that a rewrite or truncation of the log cannot change.",
    key: 'The checkpoint sequence number.',
    producers: ['audit'],
    consumers: [],
    // One partition keeps the checkpoints in order; a month covers the SIEM's collection interval.
    partitions: 1,
    retentionDays: 30,
  },
  deadLetter('notification'),
  deadLetter('audit'),
  deadLetter('export'),
  deadLetter('search'),
];

/** The topics as they appear in `spec.kafka.topics` when the Platform does not list its own. */
export function defaultTopicSpecs() {
  return platformTopics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions,
    replicationFactor: defaultReplicationFactor,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': String(topic.retentionDays * day),
      'min.insync.replicas': '2',
    },
  }));
}
