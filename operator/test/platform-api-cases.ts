// The Platform API's examples and its table of mistakes, shared by the unit tests (parsePlatform) and
// the integration tests (the real API server), so both reject the same manifests.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { platformTopics } from '../src/api/index.js';

/** A Platform manifest as plain data, the way `kubectl apply` sends it. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are deliberately untyped so tests can break them.
export type Manifest = Record<string, any>;

/** The samples in examples/, parsed. */
export function loadExample(name: 'platform-minimal' | 'platform-full'): Manifest {
  return parse(readFileSync(new URL(`../../examples/${name}.yaml`, import.meta.url), 'utf8')) as Manifest;
}

export interface InvalidCase {
  /** The mistake, as a person would describe it. */
  readonly mistake: string;
  /** Breaks a copy of the minimal sample. */
  readonly breakIt: (platform: Manifest) => void;
  /** The field the error names, as the API server writes it. */
  readonly field: string;
  /** A part of the API server's message. */
  readonly message: string;
  /**
   * cel: the message is one of the Platform API's own rules, so parsePlatform gives the same words.
   * openapi: the API server's wording for a type, range, enum or required check (parsePlatform words
   * it its own way, at the same path). unknown-field: only the API server's strict field validation
   * (what `kubectl apply` asks for) catches it; parsePlatform drops unknown fields as pruning does.
   */
  readonly by: 'cel' | 'openapi' | 'unknown-field';
}

const secretRef = (name: string, key: string) => ({ name, key });

/** The names of the platform's own topics, which every topic list must keep. */
const defaultTopicNames = () => platformTopics.map((t) => t.name);

/** Every entry is a different mistake, each rejected at admission with a message naming the field. */
export const invalidCases: readonly InvalidCase[] = [
  {
    mistake: 'no version',
    breakIt: (p) => delete p.spec.version,
    field: 'spec.version',
    message: 'Required value',
    by: 'openapi',
  },
  {
    mistake: 'a version that is not an image tag',
    breakIt: (p) => (p.spec.version = '1.0 beta'),
    field: 'spec.version',
    message: 'spec.version must be an image tag',
    by: 'cel',
  },
  {
    mistake: 'an image registry with a trailing slash',
    breakIt: (p) => (p.spec.imageRegistry = 'ghcr.io/quire-dev/'),
    field: 'spec.imageRegistry',
    message: 'spec.imageRegistry must be a lowercase registry host',
    by: 'cel',
  },
  {
    mistake: 'paused written as a word',
    breakIt: (p) => (p.spec.paused = 'yes'),
    field: 'spec.paused',
    message: 'must be of type boolean',
    by: 'openapi',
  },
  {
    mistake: 'negative replicas',
    breakIt: (p) => (p.spec.services = { auth: { replicas: -1 } }),
    field: 'spec.services.auth.replicas',
    message: 'should be greater than or equal to 0',
    by: 'openapi',
  },
  {
    mistake: 'more replicas than allowed',
    breakIt: (p) => (p.spec.services = { document: { replicas: 500 } }),
    field: 'spec.services.document.replicas',
    message: 'should be less than or equal to 100',
    by: 'openapi',
  },
  {
    mistake: 'replicas written as a word',
    breakIt: (p) => (p.spec.services = { user: { replicas: 'three' } }),
    field: 'spec.services.user.replicas',
    message: 'must be of type integer',
    by: 'openapi',
  },
  {
    mistake: 'a service the platform does not have',
    breakIt: (p) => (p.spec.services = { billing: { replicas: 2 } }),
    field: 'spec.services.billing',
    message: 'unknown field "spec.services.billing"',
    by: 'unknown-field',
  },
  {
    mistake: 'autoscaling with a minimum above the maximum',
    breakIt: (p) => (p.spec.services = { document: { autoscaling: { minReplicas: 8, maxReplicas: 4 } } }),
    field: 'spec.services.document.autoscaling.minReplicas',
    message:
      'spec.services.document.autoscaling.minReplicas must not exceed spec.services.document.autoscaling.maxReplicas',
    by: 'cel',
  },
  {
    mistake: 'a memory request above the memory limit',
    breakIt: (p) =>
      (p.spec.services = {
        export: { resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } },
      }),
    field: 'spec.services.export.resources.requests.memory',
    message:
      'spec.services.export.resources.requests.memory must not exceed spec.services.export.resources.limits.memory',
    by: 'cel',
  },
  {
    mistake: 'a CPU request that is not a quantity',
    breakIt: (p) => (p.spec.services = { audit: { resources: { requests: { cpu: 'lots' } } } }),
    field: 'spec.services.audit.resources.requests.cpu',
    message: 'spec.services.audit.resources.requests.cpu must be a quantity',
    by: 'cel',
  },
  {
    mistake: 'an image override without a tag or digest',
    breakIt: (p) => (p.spec.services = { search: { image: 'registry.example.com/quire/search' } }),
    field: 'spec.services.search.image',
    message: 'spec.services.search.image must be a full image reference with a tag or a digest',
    by: 'cel',
  },
  {
    mistake: 'web replicas written as a word',
    breakIt: (p) => (p.spec.web = { replicas: 'two' }),
    field: 'spec.web.replicas',
    message: 'must be of type integer',
    by: 'openapi',
  },
  {
    mistake: 'web resources requesting more memory than their limit',
    breakIt: (p) => (p.spec.web = { resources: { requests: { memory: '512Mi' } } }),
    field: 'spec.web.resources.requests.memory',
    message: 'spec.web.resources.requests.memory must not exceed spec.web.resources.limits.memory',
    by: 'cel',
  },
  {
    mistake: "a first admin's email without a domain",
    breakIt: (p) => (p.spec.auth = { bootstrapAdminEmail: 'admin' }),
    field: 'spec.auth.bootstrapAdminEmail',
    message: "spec.auth.bootstrapAdminEmail must be an email address such as 'admin@example.com'",
    by: 'cel',
  },
  {
    mistake: 'the same zone twice',
    breakIt: (p) =>
      (p.spec.topology = { zones: [{ name: 'zone-a' }, { name: 'zone-b' }, { name: 'zone-a' }] }),
    field: 'spec.topology.zones',
    message: 'spec.topology.zones must name each zone once',
    by: 'cel',
  },
  {
    mistake: 'no zones at all',
    breakIt: (p) => (p.spec.topology = { zones: [] }),
    field: 'spec.topology.zones',
    message: 'should have at least 1 items',
    by: 'openapi',
  },
  {
    mistake: 'six zones',
    breakIt: (p) =>
      (p.spec.topology = { zones: ['a', 'b', 'c', 'd', 'e', 'f'].map((z) => ({ name: `zone-${z}` })) }),
    field: 'spec.topology.zones',
    message: 'must have at most 5 items',
    by: 'openapi',
  },
  {
    mistake: 'a zone name with a space',
    breakIt: (p) => (p.spec.topology = { zones: [{ name: 'zone a' }] }),
    field: 'spec.topology.zones[0].name',
    message: 'spec.topology.zones[].name must be a label value',
    by: 'cel',
  },
  {
    mistake: 'a zone label key that is not a label key',
    breakIt: (p) => (p.spec.topology = { zoneLabelKey: 'zone key' }),
    field: 'spec.topology.zoneLabelKey',
    message: 'spec.topology.zoneLabelKey must be a label key',
    by: 'cel',
  },
  {
    mistake: 'a spreading rule Kubernetes does not know',
    breakIt: (p) => (p.spec.topology = { spread: { whenUnsatisfiable: 'Sometimes' } }),
    field: 'spec.topology.spread.whenUnsatisfiable',
    message: 'supported values: "DoNotSchedule", "ScheduleAnyway"',
    by: 'openapi',
  },
  {
    mistake: 'an uppercase trust domain',
    breakIt: (p) => (p.spec.mtls = { trustDomain: 'Quire.Local' }),
    field: 'spec.mtls.trustDomain',
    message: 'spec.mtls.trustDomain must be a SPIFFE trust domain',
    by: 'cel',
  },
  {
    mistake: 'renewal not before the end of the certificate lifetime',
    breakIt: (p) => (p.spec.mtls = { certificateLifetime: '12h', renewBefore: '12h' }),
    field: 'spec.mtls.renewBefore',
    message: 'spec.mtls.renewBefore must be shorter than spec.mtls.certificateLifetime',
    by: 'cel',
  },
  {
    mistake: 'a certificate lifetime under an hour',
    breakIt: (p) => (p.spec.mtls = { certificateLifetime: '30m', renewBefore: '10m' }),
    field: 'spec.mtls.certificateLifetime',
    message: 'spec.mtls.certificateLifetime must be between 1h and 8760h',
    by: 'cel',
  },
  {
    mistake: 'a lifetime written in days',
    breakIt: (p) => (p.spec.mtls = { certificateLifetime: '1d' }),
    field: 'spec.mtls.certificateLifetime',
    message: 'spec.mtls.certificateLifetime must be a duration in hours, minutes and seconds',
    by: 'cel',
  },
  {
    mistake: 'a cert-manager issuer type without the issuer',
    breakIt: (p) => (p.spec.mtls = { issuer: { type: 'CertManager' } }),
    field: 'spec.mtls.issuer.certManager',
    message: 'spec.mtls.issuer.certManager is required when spec.mtls.issuer.type is CertManager',
    by: 'cel',
  },
  {
    mistake: 'a cert-manager issuer with the built-in CA',
    breakIt: (p) => (p.spec.mtls = { issuer: { type: 'BuiltIn', certManager: { name: 'ca' } } }),
    field: 'spec.mtls.issuer.certManager',
    message: 'spec.mtls.issuer.certManager must be omitted when spec.mtls.issuer.type is BuiltIn',
    by: 'cel',
  },
  {
    mistake: 'a CA of your own with a cert-manager issuer',
    breakIt: (p) =>
      (p.spec.mtls = {
        issuer: { type: 'CertManager', certManager: { name: 'ca' }, caSecretRef: { name: 'my-ca' } },
      }),
    field: 'spec.mtls.issuer.caSecretRef',
    message: 'spec.mtls.issuer.caSecretRef must be omitted when spec.mtls.issuer.type is CertManager',
    by: 'cel',
  },
  {
    mistake: 'a CA Secret name that is not an object name',
    breakIt: (p) => (p.spec.mtls = { issuer: { caSecretRef: { name: 'My_CA' } } }),
    field: 'spec.mtls.issuer.caSecretRef.name',
    message: 'spec.mtls.issuer.caSecretRef.name must be a Kubernetes object name',
    by: 'cel',
  },
  {
    mistake: 'no Kafka brokers',
    breakIt: (p) => (p.spec.kafka.bootstrapServers = []),
    field: 'spec.kafka.bootstrapServers',
    message: 'should have at least 1 items',
    by: 'openapi',
  },
  {
    mistake: 'a broker written as a URL',
    breakIt: (p) => (p.spec.kafka.bootstrapServers = ['kafka://kafka.quire-data.svc:9092']),
    field: 'spec.kafka.bootstrapServers[0]',
    message: 'spec.kafka.bootstrapServers[] must be host:port without a scheme',
    by: 'cel',
  },
  {
    mistake: 'a SASL password inlined instead of referenced',
    breakIt: (p) =>
      (p.spec.kafka.sasl = { username: secretRef('quire-kafka', 'username'), password: 'hunter2' }),
    field: 'spec.kafka.sasl.password',
    message: 'must be of type object',
    by: 'openapi',
  },
  {
    mistake: 'the same topic twice',
    breakIt: (p) => {
      p.spec.kafka.topics = [...defaultTopicNames(), 'acme.mirror', 'acme.mirror'].map((name) => ({ name }));
    },
    field: 'spec.kafka.topics',
    message: 'spec.kafka.topics must name each topic once',
    by: 'cel',
  },
  {
    mistake: "a topic list without the platform's own topics",
    breakIt: (p) => (p.spec.kafka.topics = [{ name: 'acme.mirror' }]),
    field: 'spec.kafka.topics',
    message: "spec.kafka.topics must include the platform's own topics",
    by: 'cel',
  },
  {
    mistake: 'a topic with no partitions',
    breakIt: (p) => (p.spec.kafka.topics = defaultTopicNames().map((name) => ({ name, partitions: 0 }))),
    field: 'spec.kafka.topics[0].partitions',
    message: 'should be greater than or equal to 1',
    by: 'openapi',
  },
  {
    mistake: 'a topic name with a slash',
    breakIt: (p) => (p.spec.kafka.topics = [...defaultTopicNames(), 'acme/mirror'].map((name) => ({ name }))),
    field: `spec.kafka.topics[${defaultTopicNames().length}].name`,
    message: 'spec.kafka.topics[].name must be a Kafka topic name',
    by: 'cel',
  },
  {
    mistake: 'a topic setting that is not a Kafka config name',
    breakIt: (p) =>
      (p.spec.kafka.topics = defaultTopicNames().map((name) => ({
        name,
        config: { 'Retention MS': '1000' },
      }))),
    field: 'spec.kafka.topics[0].config',
    message: 'spec.kafka.topics[].config keys must be Kafka topic settings',
    by: 'cel',
  },
  {
    mistake: 'more in-sync replicas required than the topic has',
    breakIt: (p) =>
      (p.spec.kafka.topics = defaultTopicNames().map((name) => ({
        name,
        replicationFactor: 2,
        config: { 'min.insync.replicas': '3' },
      }))),
    field: 'spec.kafka.topics[0].config',
    message:
      "spec.kafka.topics[].config['min.insync.replicas'] must not exceed the topic's replicationFactor",
    by: 'cel',
  },
  {
    mistake: 'no PostgreSQL admin credentials',
    breakIt: (p) => delete p.spec.postgres.adminCredentials,
    field: 'spec.postgres.adminCredentials',
    message: 'Required value',
    by: 'openapi',
  },
  {
    mistake: 'a Secret reference with an uppercase name',
    breakIt: (p) => (p.spec.postgres.adminCredentials.password = secretRef('Postgres-Admin', 'password')),
    field: 'spec.postgres.adminCredentials.password.name',
    message: 'spec.postgres.adminCredentials.password.name must be a Kubernetes object name',
    by: 'cel',
  },
  {
    mistake: 'a PostgreSQL port out of range',
    breakIt: (p) => (p.spec.postgres.port = 70000),
    field: 'spec.postgres.port',
    message: 'should be less than or equal to 65535',
    by: 'openapi',
  },
  {
    mistake: 'an sslmode libpq does not know',
    breakIt: (p) => (p.spec.postgres.sslMode = 'on'),
    field: 'spec.postgres.sslMode',
    message: 'supported values: "disable", "allow", "prefer", "require", "verify-ca", "verify-full"',
    by: 'openapi',
  },
  {
    mistake: 'two services sharing a schema',
    breakIt: (p) => (p.spec.postgres.schemas = { auth: { name: 'shared' }, user: { name: 'shared' } }),
    field: 'spec.postgres.schemas',
    message: 'spec.postgres.schemas must give each service a schema of its own',
    by: 'cel',
  },
  {
    mistake: 'a schema name that needs quoting',
    breakIt: (p) => (p.spec.postgres.schemas = { document: { name: 'Document-Schema' } }),
    field: 'spec.postgres.schemas.document.name',
    message: 'spec.postgres.schemas.document.name must be a PostgreSQL identifier',
    by: 'cel',
  },
  {
    mistake: 'a Redis Cluster with a database other than 0',
    breakIt: (p) => Object.assign(p.spec.redis, { mode: 'Cluster', database: 2 }),
    field: 'spec.redis.database',
    message: 'spec.redis.database must be 0 when spec.redis.mode is Cluster',
    by: 'cel',
  },
  {
    mistake: 'a Redis address without a port',
    breakIt: (p) => (p.spec.redis.addresses = ['redis.quire-data.svc']),
    field: 'spec.redis.addresses[0]',
    message: 'spec.redis.addresses[] must be host:port',
    by: 'cel',
  },
  {
    mistake: 'one bucket for documents and exports',
    breakIt: (p) => (p.spec.objectStorage.buckets = { documents: 'quire', exports: 'quire' }),
    field: 'spec.objectStorage.buckets.exports',
    message: 'spec.objectStorage.buckets.exports must differ from spec.objectStorage.buckets.documents',
    by: 'cel',
  },
  {
    mistake: 'a bucket name S3 does not allow',
    breakIt: (p) => (p.spec.objectStorage.buckets = { documents: 'Quire_Documents' }),
    field: 'spec.objectStorage.buckets.documents',
    message: 'spec.objectStorage.buckets.documents must be an S3 bucket name',
    by: 'cel',
  },
  {
    mistake: 'an object storage endpoint without a scheme',
    breakIt: (p) => (p.spec.objectStorage.endpoint = 's3.quire-data.svc:9000'),
    field: 'spec.objectStorage.endpoint',
    message: 'spec.objectStorage.endpoint must be an http:// or https:// URL',
    by: 'cel',
  },
  {
    mistake: 'a search engine the platform does not support',
    breakIt: (p) => (p.spec.search.kind = 'solr'),
    field: 'spec.search.kind',
    message: 'supported values: "elasticsearch", "opensearch"',
    by: 'openapi',
  },
  {
    mistake: 'gateway routing without host names',
    breakIt: (p) => (p.spec.gateway = { parentRef: { name: 'public' } }),
    field: 'spec.gateway.hostnames',
    message: 'Required value',
    by: 'openapi',
  },
  {
    mistake: 'a malformed wildcard host name',
    breakIt: (p) => (p.spec.gateway = { parentRef: { name: 'public' }, hostnames: ['*example.com'] }),
    field: 'spec.gateway.hostnames[0]',
    message: 'spec.gateway.hostnames[] must be a lowercase DNS name',
    by: 'cel',
  },
  {
    mistake: 'a deletion policy that is neither Retain nor Delete',
    breakIt: (p) => (p.spec.deletionPolicy = { topics: 'Keep' }),
    field: 'spec.deletionPolicy.topics',
    message: 'supported values: "Retain", "Delete"',
    by: 'openapi',
  },
  {
    mistake: 'a Platform name too long for the objects derived from it',
    breakIt: (p) => (p.metadata.name = `quire-${'x'.repeat(40)}`),
    field: 'metadata.name',
    message: 'metadata.name must be at most 40 lowercase letters',
    by: 'cel',
  },
];
