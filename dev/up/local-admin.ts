/**
 * The local platform's first admin, made as an operator makes one: the Platform names its email
 * (spec.auth.bootstrapAdminEmail) and Auth makes that account an admin when it signs up while no
 * account is one. `make up` generates the password once and keeps it under .run/ (mode 0600); later
 * runs log in with it, since the account lives on in the namespace's database.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { GatewayClient } from './api-client.ts';
import type { Tokens } from './scenario-steps.ts';

/** The email the local Platform names as its first admin. */
export const localAdminEmail = 'admin@quire.local';

/** Where `make up` keeps the admin's password. */
export const adminPasswordFile = (runDir: string) => join(runDir, 'up', 'admin-password');

/** A session of the admin, with the roles Auth gave it. */
export interface AdminSession extends Tokens {
  readonly email: string;
  readonly roles: string[];
  readonly action: 'signed up' | 'logged in';
}

/** The admin's password from its file, or a new one written there when there is none yet. */
function adminPassword(file: string): { password: string; generated: boolean } {
  if (existsSync(file)) return { password: readFileSync(file, 'utf8').trim(), generated: false };
  mkdirSync(dirname(file), { recursive: true });
  const password = randomBytes(24).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600, flag: 'wx' });
  return { password, generated: true };
}

/** The roles of a session, as Auth reads them from its access token. */
async function withRoles(
  gateway: GatewayClient,
  tokens: Tokens,
  action: AdminSession['action'],
): Promise<AdminSession> {
  const session = await gateway.call<{ roles: string[] }>('GET', '/v1/auth/session', {
    token: tokens.accessToken,
  });
  return { ...tokens, email: localAdminEmail, roles: session.body.roles, action };
}

function logIn(gateway: GatewayClient, password: string) {
  return gateway.call<Tokens>('POST', '/v1/auth/login', {
    json: { email: localAdminEmail, password },
    expect: [200, 401],
  });
}

/**
 * Signs the admin up on the first run and logs in on later ones (signing up after all when the
 * platform's database was emptied since). Fails when the account takes another password than the
 * file holds, which only happens when the file was lost while the database was kept.
 */
export async function signInLocalAdmin(gateway: GatewayClient, file: string): Promise<AdminSession> {
  const { password, generated } = adminPassword(file);
  if (!generated) {
    const login = await logIn(gateway, password);
    if (login.status === 200) return withRoles(gateway, login.body, 'logged in');
  }
  const signup = await gateway.call<Tokens>('POST', '/v1/auth/signup', {
    json: { email: localAdminEmail, password },
    expect: [201, 409],
  });
  if (signup.status === 201) return withRoles(gateway, signup.body, 'signed up');
  throw new Error(
    `${localAdminEmail} has an account whose password is not the one in ${file}` +
      `${generated ? ' (make up has just generated it: was the file deleted while the database was kept?)' : ''}; ` +
      "write the account's password into the file, or remove the account from the platform's database, and run make up again",
  );
}

/** Logs the admin in with the password `make up` keeps, for the scenario run after it. */
export async function logInLocalAdmin(gateway: GatewayClient, file: string): Promise<AdminSession> {
  if (!existsSync(file)) throw new Error(`${file} does not exist: run make up, which signs the admin up`);
  const login = await logIn(gateway, readFileSync(file, 'utf8').trim());
  if (login.status !== 200) {
    throw new Error(
      `${localAdminEmail} refused the password in ${file}: run make up, which signs the admin up`,
    );
  }
  return withRoles(gateway, login.body, 'logged in');
}

/**
 * The admin's session when it holds the admin role; otherwise an error saying why Auth made no admin
 * of it and how to get one: the first-admin setting does nothing once any account is an admin.
 */
export function requireAdminRole(session: AdminSession, database: string): AdminSession {
  if (session.roles.includes('admin')) return session;
  throw new Error(
    `${session.email} ${session.action} but is not an admin (roles ${session.roles.join(', ')}): Auth makes ` +
      `spec.auth.bootstrapAdminEmail an admin only while no account is one, and database ${database} has ` +
      'admins already, probably the alice-…@example.com accounts earlier versions of make up promoted in SQL. ' +
      `Have an admin grant the role (PUT /v1/auth/accounts/${session.accountId}/roles), or take it back from ` +
      "those accounts (UPDATE auth.accounts SET roles = array_remove(roles, 'admin') WHERE email LIKE " +
      `'alice-%@example.com') and restart Auth (node dev/up/down.ts, then make up), which then makes ${session.email} the admin`,
  );
}
