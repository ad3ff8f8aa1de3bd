import { z } from 'zod';
import { admit, celString, formatted, immutable, type StringFormat } from './admission-rules.js';
import { defaultReplicationFactor, defaultTopicSpecs, platformTopics } from './default-topics.js';
import { hostPort, secretKeyRef, tlsClient } from './spec-common.js';

const topicName: StringFormat = {
  pattern: /^[a-zA-Z0-9._-]+$/,
  maxLength: 249,
  allowed: "a Kafka topic name: up to 249 letters, digits, '.', '_' and '-'",
};

const maxTopicConfigEntries = 32;
const configKey = /^[a-z][a-z0-9.]*$/;

const topicConfig = admit(
  z
    .record(z.string(), z.string().max(1024))
    .refine(
      (config) => Object.keys(config).length <= maxTopicConfigEntries,
      `spec.kafka.topics[].config must have at most ${maxTopicConfigEntries} entries`,
    ),
  {
    description:
      "Kafka topic configuration, e.g. retention.ms: '604800000'. Values are strings; out-of-band changes are reverted.",
    maxProperties: maxTopicConfigEntries,
  },
  [
    {
      rule: `self.all(k, k.matches(${celString(configKey.source)}))`,
      message:
        "spec.kafka.topics[].config keys must be Kafka topic settings such as 'retention.ms': lowercase letters, digits and '.'",
      check: (self) => Object.keys(self).every((key) => configKey.test(key)),
    },
  ],
);

const topic = admit(
  z.object({
    name: formatted(topicName, 'spec.kafka.topics[].name', 'Topic name.'),
    partitions: admit(
      z.int().min(1).max(1000),
      'Partitions (1-1000). They may grow but never shrink: Kafka cannot remove a partition.',
      [
        {
          rule: 'self >= oldSelf',
          message:
            'spec.kafka.topics[].partitions cannot be decreased (Kafka cannot remove partitions); keep it at or above its current value',
        },
      ],
    ).default(6),
    replicationFactor: admit(
      z.int().min(1).max(5),
      `Copies of each partition (1-5, at most the number of brokers); defaults to ${defaultReplicationFactor}, one per zone. Fixed once the topic exists.`,
      [
        immutable(
          'spec.kafka.topics[].replicationFactor',
          'the operator does not reassign partitions; create a topic with a new name instead',
        ),
      ],
    ).default(defaultReplicationFactor),
    config: topicConfig.default(() => ({})),
  }),
  'One Kafka topic the operator creates and keeps configured.',
  [
    {
      rule: "!('min.insync.replicas' in self.config) || !self.config['min.insync.replicas'].matches('^[0-9]+$') || int(self.config['min.insync.replicas']) <= self.replicationFactor",
      message:
        "spec.kafka.topics[].config['min.insync.replicas'] must not exceed the topic's replicationFactor",
      check: (self) => {
        const minInSync = self.config['min.insync.replicas'];
        return (
          minInSync === undefined ||
          !/^[0-9]+$/.test(minInSync) ||
          Number(minInSync) <= self.replicationFactor
        );
      },
      fieldPath: '.config',
    },
  ],
);

const platformTopicNames = platformTopics.map((t) => t.name);

const topics = admit(
  z.array(topic).max(64),
  {
    description: `Topics the operator manages (at most 64, each named once). The platform's own topics must stay listed (tune them in place): ${platformTopicNames.join(', ')}. Defaults to those with their documented partitions and retention.`,
    'x-kubernetes-list-type': 'map',
    'x-kubernetes-list-map-keys': ['name'],
  },
  [
    {
      rule: 'self.all(t, self.exists_one(u, u.name == t.name))',
      message: 'spec.kafka.topics must name each topic once',
      check: (self) => new Set(self.map((t) => t.name)).size === self.length,
    },
    {
      rule: `[${platformTopicNames.map(celString).join(', ')}].all(n, self.exists(t, t.name == n))`,
      message: `spec.kafka.topics must include the platform's own topics (${platformTopicNames.join(', ')}); tune them in place rather than removing them`,
      check: (self) => platformTopicNames.every((n) => self.some((t) => t.name === n)),
      reason: 'FieldValueRequired',
    },
  ],
).default(defaultTopicSpecs);

/** The Kafka cluster the services exchange events through, and the topics the operator manages on it. */
export const kafkaSpec = admit(
  z.object({
    bootstrapServers: admit(
      z
        .array(
          formatted(
            hostPort('kafka-0.kafka.data.svc:9092'),
            'spec.kafka.bootstrapServers[]',
            'A broker address, host:port.',
          ),
        )
        .min(1)
        .max(10),
      'Brokers to bootstrap from (1-10), each host:port.',
    ),
    tls: tlsClient('spec.kafka.tls', 'TLS to the brokers.'),
    sasl: admit(
      z.object({
        mechanism: admit(
          z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
          'SASL mechanism the brokers expect.',
        ).default('SCRAM-SHA-512'),
        username: secretKeyRef('spec.kafka.sasl.username', 'The SASL user name.'),
        password: secretKeyRef('spec.kafka.sasl.password', 'The SASL password.'),
      }),
      'SASL authentication to the brokers; omit it when they need none.',
    ).optional(),
    topics,
  }),
  'The Kafka cluster the services exchange events through, and the topics the operator manages on it.',
);
