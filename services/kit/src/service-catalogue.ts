/**
 * The seven Quire services as the seed architecture describes them: one table that the operator's
 * builders, the Platform API defaults and the services themselves all read, so they cannot drift.
 */
export const serviceNames = [
  'auth',
  'user',
  'document',
  'notification',
  'search',
  'export',
  'audit',
] as const;
export type ServiceName = (typeof serviceNames)[number];

/** A backing store a service talks to; each becomes a NetworkPolicy egress edge and config. */
export type BackingStore = 'postgres' | 'redis' | 'kafka' | 's3' | 'search';

export interface ServiceDescriptor {
  readonly name: ServiceName;
  /** Replicas in the seed's service table; the Platform's default. */
  readonly defaultReplicas: number;
  /** Reached from the API gateway (auth, user, document, search); the others are internal. */
  readonly public: boolean;
  /** Works from Kafka events rather than answering requests on the hot path. */
  readonly async: boolean;
  /** Keeps state in its own PostgreSQL schema. */
  readonly hasSchema: boolean;
  readonly stores: readonly BackingStore[];
  /** The team that owns the service in the seed's table. */
  readonly owner: string;
}

export const serviceCatalogue: Readonly<Record<ServiceName, ServiceDescriptor>> = {
  auth: {
    name: 'auth',
    defaultReplicas: 3,
    public: true,
    async: false,
    hasSchema: true,
    stores: ['postgres', 'redis', 'kafka'],
    owner: 'Platform',
  },
  user: {
    name: 'user',
    defaultReplicas: 2,
    public: true,
    async: false,
    hasSchema: true,
    // Redis counts each caller's email lookups (a per-caller rate limit shared by the replicas).
    stores: ['postgres', 'redis', 'kafka'],
    owner: 'Platform',
  },
  document: {
    name: 'document',
    defaultReplicas: 4,
    public: true,
    async: false,
    hasSchema: true,
    stores: ['postgres', 's3', 'kafka'],
    owner: 'Docs Team',
  },
  notification: {
    name: 'notification',
    defaultReplicas: 2,
    public: false,
    async: true,
    hasSchema: true,
    stores: ['postgres', 'kafka'],
    owner: 'Comms',
  },
  search: {
    name: 'search',
    defaultReplicas: 3,
    public: true,
    async: false,
    hasSchema: false,
    stores: ['search', 'kafka'],
    owner: 'Data',
  },
  export: {
    name: 'export',
    defaultReplicas: 2,
    public: false,
    async: true,
    hasSchema: true,
    stores: ['postgres', 's3', 'kafka'],
    owner: 'Data',
  },
  audit: {
    name: 'audit',
    defaultReplicas: 2,
    public: false,
    async: true,
    hasSchema: true,
    stores: ['postgres', 'kafka'],
    owner: 'Security',
  },
};
