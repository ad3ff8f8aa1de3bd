/**
 * spec.postgres.sslMode and spec.redis.tls against the local stack's PostgreSQL and Redis, which speak
 * TLS with a certificate for `localhost` only, signed by the stack's own CA (QUIRE_*_TLS_CA_FILE).
 * Each PostgreSQL mode is checked on both paths that connect: the operator's admin session, and a
 * service's pool opened by the kit from the QUIRE_DATABASE_URL the operator renders, with the CA
 * written where the pod would have it mounted. pg_stat_ssl says whether the session is encrypted.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRedis, openServiceDatabase, postgresEnv } from '@quire/kit';
import { envVar } from '@quire/kit/catalogue';
import { testSetting } from '@quire/kit/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlatformSpec } from '../../src/api/index.js';
import { connectPostgres, postgresConnectionFor } from '../../src/external/postgres-admin.js';
import { renderContext } from '../../src/render/render-context.js';
import { serviceSettings, storeCaDir } from '../../src/render/service-settings.js';
import { silentLogger } from '../../src/runtime/logger.js';
import { MemorySecrets, minimalManifest, parseManifest } from './fake-scope.js';

type SslMode = PlatformSpec['postgres']['sslMode'];

const namespace = 'quire-tls-test';
const stackUrl = () => new URL(testSetting('QUIRE_POSTGRES_URL'));
const caPem = () => readFileSync(testSetting('QUIRE_POSTGRES_TLS_CA_FILE'), 'utf8');
// Where the test puts the CA files the pod would have mounted under storeCaDir.
const mountDir = mkdtempSync(join(tmpdir(), 'quire-store-ca-'));

afterAll(() => rmSync(mountDir, { recursive: true, force: true }));

interface Login {
  readonly user: string;
  readonly password: string;
}

const superuser = (): Login => ({
  user: decodeURIComponent(stackUrl().username),
  password: decodeURIComponent(stackUrl().password),
});

// The roles the stack's pg_hba.conf admits over TLS only and over plain TCP only.
const rolePassword = `tls-test-${process.pid}`;
const tlsOnly = (): Login => ({ user: testSetting('QUIRE_POSTGRES_TLS_ONLY_ROLE'), password: rolePassword });
const plainOnly = (): Login => ({
  user: testSetting('QUIRE_POSTGRES_PLAIN_ONLY_ROLE'),
  password: rolePassword,
});

async function asSuperuser(sql: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: testSetting('QUIRE_POSTGRES_URL') });
  await client.connect();
  try {
    await sql(client);
  } finally {
    await client.end();
  }
}

beforeAll(() =>
  asSuperuser(async (client) => {
    for (const { user, password } of [tlsOnly(), plainOnly()]) {
      await client.query(`DROP ROLE IF EXISTS ${user}`);
      await client.query(`CREATE ROLE ${user} LOGIN PASSWORD '${password}'`);
    }
  }),
);

afterAll(() =>
  asSuperuser(async (client) => {
    for (const { user } of [tlsOnly(), plainOnly()]) await client.query(`DROP ROLE IF EXISTS ${user}`);
  }),
);

/** A Platform on the stack's PostgreSQL at `host`, with its Secrets: admin credentials and the CA. */
function platformAt(host: string, sslMode: SslMode, withCa: boolean, login: Login) {
  const url = stackUrl();
  const manifest = minimalManifest(namespace, 'quire');
  manifest.spec.postgres = {
    ...manifest.spec.postgres,
    host,
    port: Number(url.port),
    database: url.pathname.slice(1),
    sslMode,
    ...(withCa ? { ca: { name: 'postgres-ca', key: 'ca.crt' } } : {}),
  };
  const platform = parseManifest(manifest);
  const secrets = new MemorySecrets();
  secrets.set(namespace, 'quire-postgres-admin', { username: login.user, password: login.password });
  secrets.set(namespace, 'postgres-ca', { 'ca.crt': caPem() });
  return { platform, secrets };
}

/**
 * The service's QUIRE_DATABASE_URL as the pod would see it: `$(VAR)` expanded with the stack's
 * credentials (standing in for the service role's Secret), and the CA written under the mount path.
 */
function renderedDatabaseEnv(
  platform: ReturnType<typeof parseManifest>,
  login: Login,
): Record<string, string> {
  const settings = serviceSettings(renderContext(platform), 'user');
  for (const file of settings.caFiles) writeFileSync(join(mountDir, file.path), caPem());
  const values: Record<string, string> = {
    ...settings.config,
    QUIRE_DATABASE_USER: login.user,
    QUIRE_DATABASE_PASSWORD: login.password,
  };
  for (const e of settings.env) {
    if (e.value === undefined) continue;
    values[e.name] = e.value
      .replace(/\$\((\w+)\)/g, (_, name: string) => values[name] ?? '')
      .replaceAll(storeCaDir, mountDir);
  }
  return values;
}

const encrypted = async (client: pg.Client | pg.Pool): Promise<boolean> => {
  const { rows } = await client.query<{ ssl: boolean }>(
    'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()',
  );
  return rows[0]?.ssl ?? false;
};

/** Whether the admin session at `host` is encrypted; rejects when it cannot connect. */
async function adminEncrypted(
  host: string,
  sslMode: SslMode,
  withCa: boolean,
  login = superuser(),
): Promise<boolean> {
  const { platform, secrets } = platformAt(host, sslMode, withCa, login);
  const connection = await postgresConnectionFor(platform.spec.postgres, namespace, secrets);
  const client = await connectPostgres(connection);
  try {
    return await encrypted(client);
  } finally {
    await client.end();
  }
}

/** Whether a service pool from the rendered URL at `host` is encrypted; rejects when it cannot connect. */
async function serviceEncrypted(
  host: string,
  sslMode: SslMode,
  withCa: boolean,
  login = superuser(),
): Promise<boolean> {
  const { platform } = platformAt(host, sslMode, withCa, login);
  const postgres = postgresEnv.parse(renderedDatabaseEnv(platform, login));
  const pool = await openServiceDatabase({
    service: 'user',
    postgres,
    migrationsDir: mountDir,
    logger: silentLogger,
  });
  try {
    return await encrypted(pool);
  } finally {
    await pool.end();
  }
}

const paths = [
  ['the operator admin session', adminEncrypted],
  ["a service's pool from the rendered URL", serviceEncrypted],
] as const;

describe.each(paths)('with TLS on the server, %s', (_, connect) => {
  const tlsHost = () => testSetting('QUIRE_POSTGRES_TLS_HOST');

  it('when sslMode is disable, it connects without encryption', async () => {
    expect(await connect('127.0.0.1', 'disable', false)).toBe(false);
  });

  it('when sslMode is allow, it connects without encryption, as the server accepts plain connections', async () => {
    expect(await connect('127.0.0.1', 'allow', false)).toBe(false);
  });

  it('when sslMode is allow and the server refuses plain connections, it connects over TLS', async () => {
    expect(await connect('127.0.0.1', 'allow', false, tlsOnly())).toBe(true);
  });

  it('when sslMode is prefer and the server refuses TLS, it connects over plain TCP', async () => {
    expect(await connect('127.0.0.1', 'prefer', false, plainOnly())).toBe(false);
  });

  it('when sslMode is require and the server refuses TLS, it fails rather than fall back to plain TCP', async () => {
    await expect(connect('127.0.0.1', 'require', false, plainOnly())).rejects.toThrow(
      /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "quire_plain_only".*SSL/,
    );
  });

  it('when sslMode is disable and the server refuses plain connections, it fails rather than encrypt', async () => {
    await expect(connect('127.0.0.1', 'disable', false, tlsOnly())).rejects.toThrow(
      /pg_hba\.conf rejects connection for host "127\.0\.0\.1", user "quire_tls_only".*no encryption/,
    );
  });

  it('when sslMode is prefer, it encrypts without checking the certificate', async () => {
    expect(await connect('127.0.0.1', 'prefer', false)).toBe(true);
  });

  it('when sslMode is require and no CA is given, it encrypts without checking the certificate', async () => {
    expect(await connect('127.0.0.1', 'require', false)).toBe(true);
  });

  it('when sslMode is require and the CA is given, it encrypts and checks the chain only', async () => {
    expect(await connect('127.0.0.1', 'require', true)).toBe(true);
  });

  it('when sslMode is verify-ca and the CA is given, it connects by an address the certificate does not name', async () => {
    expect(await connect('127.0.0.1', 'verify-ca', true)).toBe(true);
  });

  it('when sslMode is verify-ca and no CA is given, it refuses the private CA, naming the mode and spec.postgres.ca or sslrootcert', async () => {
    await expect(connect('127.0.0.1', 'verify-ca', false)).rejects.toThrow(
      /sslmode=verify-ca.*unable to verify the first certificate.*set (spec\.postgres\.ca|sslrootcert)/,
    );
  });

  it('when sslMode is verify-full and the CA is given, it connects by the host name the certificate names', async () => {
    expect(await connect(tlsHost(), 'verify-full', true)).toBe(true);
  });

  it('when sslMode is verify-full, it refuses an address the certificate does not name, saying what to set', async () => {
    await expect(connect('127.0.0.1', 'verify-full', true)).rejects.toThrow(
      /sslmode=verify-full.*IP: 127\.0\.0\.1 is not in the cert's list.*set (spec\.postgres\.host|the host of QUIRE_DATABASE_URL).*verify-ca/,
    );
  });
});

describe('spec.redis.tls against the TLS port', () => {
  const tlsUrl = () => new URL(testSetting('QUIRE_REDIS_TLS_URL'));

  /** The QUIRE_REDIS_URL the operator renders for a Platform whose Redis is at the stack's TLS port. */
  function renderedRedisUrl(withCa: boolean): string {
    const manifest = minimalManifest(namespace, 'quire');
    manifest.spec.redis = {
      addresses: [tlsUrl().host],
      tls: { enabled: true, ...(withCa ? { ca: { name: 'redis-ca', key: 'ca.crt' } } : {}) },
    };
    const settings = serviceSettings(renderContext(parseManifest(manifest)), 'auth');
    for (const file of settings.caFiles) {
      writeFileSync(join(mountDir, file.path), readFileSync(testSetting('QUIRE_REDIS_TLS_CA_FILE')));
    }
    const url = settings.config[envVar.redisUrl];
    if (!url) throw new Error('the settings have no plain QUIRE_REDIS_URL');
    return url.replaceAll(storeCaDir, mountDir);
  }

  it('when tls is enabled with the CA, the service connects over TLS and checks the certificate', async () => {
    const url = renderedRedisUrl(true);
    expect(url).toMatch(/^rediss:\/\/localhost:\d+\?ca=/);
    const redis = await connectRedis(url, { readyTimeoutMs: 5_000 });
    try {
      expect(await redis.ping()).toBe('PONG');
    } finally {
      redis.disconnect();
    }
  });

  it('when tls is enabled without the CA, the private CA is refused', async () => {
    await expect(connectRedis(renderedRedisUrl(false), { readyTimeoutMs: 3_000 })).rejects.toThrow();
  });
});
