/**
 * Where the local platform lives on this machine: its namespace, the ports of each local process and
 * the folders of their state. One instance per clone (its `.run/`); `QUIRE_PORT_OFFSET` moves every
 * port as it moves the stack's, so a second clone can run beside this one.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStackEnv } from '@quire/dev';
import { type ServiceName, serviceNames } from '@quire/kit/catalogue';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The local ports of one service: each pod has its own network, here they all share 127.0.0.1. */
export interface ServicePorts {
  readonly api: number;
  readonly ops: number;
}

export interface UpSettings {
  readonly namespace: string;
  /** metadata.name of the sample Platform. */
  readonly platform: string;
  readonly runDir: string;
  /** A database of its own, so the operator's tests (which drop the default schemas) never touch it. */
  readonly database: string;
  /**
   * A Redis database of its own: the tests' Auth instances use database 0 and count their logins from
   * 127.0.0.1 there, which would otherwise use up the local platform's limit for that address (yours,
   * in a browser or the CLI), and mix their sessions with its own.
   */
  readonly redisDatabase: number;
  readonly buckets: { readonly documents: string; readonly exports: string };
  readonly gatewayPort: number;
  readonly collectorPort: number;
  /** The web app's server (its pod's nginx.conf, in the gateway's nginx), reached through the `/` route. */
  readonly webPort: number;
  readonly operatorMetricsPort: number;
  readonly operatorHealthPort: number;
  readonly services: Readonly<Record<ServiceName, ServicePorts>>;
}

/** The settings of this clone's local platform. */
export function upSettings(env: NodeJS.ProcessEnv = process.env): UpSettings {
  const offset = Number(env.QUIRE_PORT_OFFSET ?? 0);
  const namespace = env.QUIRE_UP_NAMESPACE ?? 'quire-local';
  // 14000-14299: clear of the stack's ports (12379-19300 spread out) at offset 0, and of a second
  // clone's stack and platform at QUIRE_PORT_OFFSET=1000 (15000-15299 is free too).
  const base = 14000 + offset;
  return {
    namespace,
    platform: 'quire',
    runDir: env.QUIRE_RUN ?? join(repoRoot, '.run'),
    database: namespace.replaceAll('-', '_'),
    redisDatabase: 1,
    buckets: { documents: `${namespace}-documents`, exports: `${namespace}-exports` },
    gatewayPort: base,
    collectorPort: base + 1,
    webPort: base + 2,
    operatorMetricsPort: base + 80,
    operatorHealthPort: base + 81,
    services: Object.fromEntries(
      serviceNames.map((name, i) => [name, { api: base + 100 + i, ops: base + 200 + i }]),
    ) as Record<ServiceName, ServicePorts>,
  };
}

/** Loads the stack's settings (.run/env) into this process, failing with the command that writes them. */
export function loadStackEnv(): Record<string, string> {
  const values = readStackEnv();
  for (const [key, value] of Object.entries(values)) process.env[key] ??= value;
  return values;
}

/** A service is part of the flow once its package has a server: the one being written may not yet. */
export function serviceAvailable(service: ServiceName): boolean {
  const pkg = join(repoRoot, 'services', service);
  return existsSync(join(pkg, 'src', 'server.ts')) && existsSync(join(pkg, 'dist', 'server.js'));
}

/** What `make up` leaves for the scenario, the e2e test and people: where everything is. */
export interface UpState {
  namespace: string;
  platform: string;
  gatewayUrl: string;
  gatewayTlsDir: string;
  /** Path prefixes the gateway routes (from the HTTPRoutes). */
  gatewayPrefixes: string[];
  gatewayAccessLog: string;
  spansFile: string;
  collectorUrl: string;
  kubeconfig: string;
  databaseUrl: string;
  /** The password of the Platform's first admin (local-admin.ts), kept by make up. */
  adminPasswordFile: string;
  services: Record<string, { api: number; ops: number; host: string; log: string; running: boolean }>;
  readyInSeconds?: number;
}

export const stateFile = (s: UpSettings) => join(s.runDir, 'up', 'state.json');

/** The state `make up` wrote, or a message saying to run it. */
export function readUpState(s: UpSettings = upSettings()): UpState {
  const file = stateFile(s);
  if (!existsSync(file)) throw new Error(`${file} does not exist: run \`make up\` first`);
  return JSON.parse(readFileSync(file, 'utf8')) as UpState;
}
