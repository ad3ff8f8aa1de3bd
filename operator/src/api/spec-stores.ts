import { databaseSchemas, type ServiceName, serviceCatalogue, serviceNames } from '@quire/kit/catalogue';
import { z } from 'zod';
import { admit, formatted, immutable, type StringFormat } from './admission-rules.js';
import {
  host,
  hostPort,
  httpUrl,
  postgresIdentifier,
  secretKeyRef,
  tlsClient,
  usernamePassword,
} from './spec-common.js';

/** The services that keep state in their own PostgreSQL schema, in catalogue order. */
export const servicesWithSchema = serviceNames.filter((name) => serviceCatalogue[name].hasSchema);

function schemaSpec(service: ServiceName) {
  const field = `spec.postgres.schemas.${service}.name`;
  return admit(
    z.object({
      name: formatted(
        postgresIdentifier,
        field,
        `Schema the ${service} service owns and migrates; defaults to the one its code expects. Immutable: renaming would strand its data.`,
        [
          immutable(
            field,
            "the operator does not move data between schemas; the old schema's data would be stranded",
          ),
        ],
      ).default(databaseSchemas[service] ?? service),
    }),
    `The ${service} service's schema.`,
  ).prefault({});
}

// Which services have a schema is a fact of the catalogue at run time, so the type cannot list them.
type SchemasShape = Record<string, ReturnType<typeof schemaSpec>>;

const schemaNameList = `[${servicesWithSchema.map((s) => `self.${s}.name`).join(', ')}]`;

const schemas = admit(
  z.object(Object.fromEntries(servicesWithSchema.map((s) => [s, schemaSpec(s)])) as SchemasShape),
  `One schema per service that keeps state (${servicesWithSchema.join(', ')}); search keeps its state in the search engine.`,
  [
    {
      rule: `${schemaNameList}.all(n, ${schemaNameList}.exists_one(m, m == n))`,
      message: 'spec.postgres.schemas must give each service a schema of its own (two services share a name)',
      check: (self) => {
        const names = servicesWithSchema.map((s) => self[s]?.name);
        return new Set(names).size === names.length;
      },
    },
  ],
).prefault({});

const port = (description: string, fallback: number) =>
  admit(z.int().min(1).max(65535), description).default(fallback);

/** The PostgreSQL server: where it is, the admin credentials, and each service's schema. */
export const postgresSpec = admit(
  z.object({
    host: formatted(host, 'spec.postgres.host', 'Host name or IP address of the PostgreSQL server.'),
    port: port('TCP port of the PostgreSQL server (1-65535).', 5432),
    database: formatted(
      postgresIdentifier,
      'spec.postgres.database',
      'Database that holds the schemas. Immutable: the operator does not move data between databases.',
      [immutable('spec.postgres.database', 'the operator does not move data between databases')],
    ).default('quire'),
    sslMode: admit(
      z.enum(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']),
      'libpq sslmode for every connection; verify-ca and verify-full check the server against ca.',
    ).default('require'),
    ca: secretKeyRef(
      'spec.postgres.ca',
      "PEM bundle of the CA that signed the server's certificate. verify-ca and verify-full check against it (the system CAs when unset); with it, require, prefer and allow check the chain too, as libpq does with sslrootcert.",
    ).optional(),
    adminCredentials: usernamePassword(
      'spec.postgres.adminCredentials',
      'A role allowed to create schemas and roles. The operator uses it for schemas and migrations only; each service gets a role of its own.',
    ),
    schemas,
  }),
  'The PostgreSQL server the services keep their state in.',
);

const redisDatabase = admit(
  z.int().min(0).max(15),
  'Logical database number (0-15); Cluster mode has only database 0.',
).default(0);

/** Redis, the session cache. */
export const redisSpec = admit(
  z.object({
    mode: admit(
      z.enum(['Standalone', 'Cluster']),
      'Standalone: one primary (optionally behind a proxy). Cluster: a Redis Cluster, addresses are seed nodes.',
    ).default('Standalone'),
    addresses: admit(
      z
        .array(
          formatted(hostPort('redis.data.svc:6379'), 'spec.redis.addresses[]', 'A Redis address, host:port.'),
        )
        .min(1)
        .max(12),
      'Redis addresses (1-12), each host:port; in Cluster mode, some of its nodes.',
    ),
    database: redisDatabase,
    password: secretKeyRef(
      'spec.redis.password',
      'The Redis password (AUTH); omit it when Redis needs none.',
    ).optional(),
    tls: tlsClient('spec.redis.tls', 'TLS to Redis.'),
  }),
  'Redis, the session cache.',
  [
    {
      rule: "self.mode == 'Standalone' || self.database == 0",
      message:
        'spec.redis.database must be 0 when spec.redis.mode is Cluster (Redis Cluster has only database 0)',
      check: (self) => self.mode === 'Standalone' || self.database === 0,
      fieldPath: '.database',
    },
  ],
);

const bucketName: StringFormat = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  maxLength: 63,
  allowed:
    "an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', starting and ending with a letter or digit",
};

const region: StringFormat = {
  pattern: /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/,
  maxLength: 64,
  allowed: "a region name such as 'eu-west-1': lowercase letters, digits and '-'",
};

/** S3-compatible object storage for documents and export archives. */
export const objectStorageSpec = admit(
  z.object({
    endpoint: formatted(
      httpUrl('https://s3.eu-west-1.amazonaws.com'),
      'spec.objectStorage.endpoint',
      'S3 API endpoint URL.',
    ),
    region: formatted(region, 'spec.objectStorage.region', 'Region sent with each request.').default(
      'us-east-1',
    ),
    forcePathStyle: admit(
      z.boolean(),
      'Address buckets as <endpoint>/<bucket> rather than <bucket>.<host>; most S3-compatible stores need it.',
    ).default(true),
    buckets: admit(
      z.object({
        documents: formatted(
          bucketName,
          'spec.objectStorage.buckets.documents',
          'Bucket for document contents and versions (document service).',
        ).default('quire-documents'),
        exports: formatted(
          bucketName,
          'spec.objectStorage.buckets.exports',
          'Bucket for export archives (export service).',
        ).default('quire-exports'),
      }),
      'Buckets, which must exist; the services never create them.',
      [
        {
          rule: 'self.documents != self.exports',
          message: 'spec.objectStorage.buckets.exports must differ from spec.objectStorage.buckets.documents',
          check: (self) => self.documents !== self.exports,
          fieldPath: '.exports',
        },
      ],
    ).prefault({}),
    credentials: admit(
      z.object({
        accessKeyId: secretKeyRef('spec.objectStorage.credentials.accessKeyId', 'The access key id.'),
        secretAccessKey: secretKeyRef(
          'spec.objectStorage.credentials.secretAccessKey',
          'The secret access key.',
        ),
      }),
      'Access key for the buckets.',
    ),
  }),
  'S3-compatible object storage for documents and export archives.',
);

const indexPrefix: StringFormat = {
  pattern: /^[a-z0-9][a-z0-9_-]*$/,
  maxLength: 64,
  allowed: "an index name prefix: lowercase letters, digits, '_' and '-', starting with a letter or digit",
};

/** The search engine behind the search service. */
export const searchSpec = admit(
  z.object({
    kind: admit(
      z.enum(['elasticsearch', 'opensearch']),
      'Which engine the endpoint runs. Immutable: clients and index formats differ; move to the other engine with a new Platform and a reindex.',
      [
        immutable(
          'spec.search.kind',
          'clients and index formats differ between engines; move with a new Platform and a reindex',
        ),
      ],
    ).default('elasticsearch'),
    endpoint: formatted(
      httpUrl('https://search.data.svc:9200'),
      'spec.search.endpoint',
      'URL of the search engine HTTP API.',
    ),
    credentials: usernamePassword(
      'spec.search.credentials',
      'Basic-auth credentials; omit them when the engine needs none.',
    ).optional(),
    ca: secretKeyRef(
      'spec.search.ca',
      "PEM bundle of the CA that signed the engine's certificate; omit it to trust the system CAs.",
    ).optional(),
    indexPrefix: formatted(
      indexPrefix,
      'spec.search.indexPrefix',
      'Prefix of every index the search service creates.',
    ).default('quire'),
  }),
  'The search engine behind the search service.',
);
