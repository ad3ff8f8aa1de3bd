import { createLocalJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountStore } from '../src/accounts.js';
import { authTopic } from '../src/auth-events.js';
import { grantFirstAdmin } from '../src/roles.js';
import { type AuthHarness, newUser, startAuth } from './harness.js';

type Tokens = { accountId: string; accessToken: string; refreshToken: string };

let auth: AuthHarness;
const firstAdmin = newUser();
let admin: Tokens;
beforeAll(async () => {
  auth = await startAuth({ bootstrapAdminEmail: firstAdmin.email });
  admin = await signUp(firstAdmin);
});
afterAll(() => auth?.close());

const api = () => request(auth.app.api);
async function signUp(u = newUser(), on = () => auth): Promise<Tokens> {
  const res = await request(on().app.api)
    .post('/v1/auth/signup')
    .set('x-forwarded-for', u.address)
    .send({ email: u.email, password: u.password })
    .expect(201);
  return res.body;
}
const rolesOf = async (token: string, on = auth) =>
  (await jwtVerify(token, createLocalJWKSet(on.keys.jwks()))).payload.roles;
const storedRoles = async (id: string) =>
  (await auth.pool.query('SELECT roles FROM accounts WHERE id = $1', [id])).rows[0]?.roles as string[];
const setRoles = (caller: Tokens, id: string, roles: unknown) =>
  api()
    .put(`/v1/auth/accounts/${id}/roles`)
    .set('authorization', `Bearer ${caller.accessToken}`)
    .send({ roles });
const refresh = (t: Tokens) => api().post('/v1/auth/refresh').send({ refreshToken: t.refreshToken });
const eventsOf = async (type: string, subject: string) =>
  (await auth.events()).filter((e) => e.type === type && e.subject === subject);

/** A second admin, made by the first. */
async function newAdmin(): Promise<Tokens> {
  const u = newUser();
  const t = await signUp(u);
  await setRoles(admin, t.accountId, ['user', 'admin']).expect(200);
  return (await refresh(t).expect(200)).body;
}

describe('the first admin', () => {
  it('when the account of the bootstrap email signs up while no admin exists, it is an admin at once and the grant is recorded', async () => {
    expect(await rolesOf(admin.accessToken)).toEqual(['user', 'admin']);
    expect(await storedRoles(admin.accountId)).toEqual(['user', 'admin']);
    expect(await eventsOf('auth.roles_changed', admin.accountId)).toEqual([
      expect.objectContaining({
        data: {
          actor: 'setting:QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL',
          oldRoles: ['user'],
          newRoles: ['user', 'admin'],
        },
      }),
    ]);
  });

  it('when the account exists before the setting, start-up makes it the admin once, even from several replicas at once', async () => {
    const other = await startAuth();
    try {
      const u = newUser();
      const t = await signUp(u, () => other);
      const accounts = new AccountStore(other.pool, authTopic);
      expect((await grantFirstAdmin(accounts, newUser().email)).outcome).toBe('no-account');
      const outcomes = await Promise.all([1, 2, 3, 4].map(() => grantFirstAdmin(accounts, u.email)));
      expect(outcomes.map((o) => o.outcome).sort()).toEqual([
        'admin-exists',
        'admin-exists',
        'admin-exists',
        'granted',
      ]);
      const changes = (await other.events()).filter((e) => e.type === 'auth.roles_changed');
      expect(changes).toEqual([expect.objectContaining({ subject: t.accountId })]);
      // Its session gets the role at the next refresh.
      const next = await request(other.app.api)
        .post('/v1/auth/refresh')
        .send({ refreshToken: t.refreshToken })
        .expect(200);
      expect(await rolesOf(next.body.accessToken, other)).toEqual(['user', 'admin']);
    } finally {
      await other.close();
    }
  });

  it('when an admin exists already, the bootstrap email signs up as an ordinary user', async () => {
    const late = newUser();
    const other = await startAuth({ bootstrapAdminEmail: late.email });
    try {
      const existing = newUser();
      await signUp(existing, () => other);
      await grantFirstAdmin(new AccountStore(other.pool, authTopic), existing.email);
      const t = await signUp(late, () => other);
      expect(await rolesOf(t.accessToken, other)).toEqual(['user']);
    } finally {
      await other.close();
    }
  });
});

describe('an admin setting roles', () => {
  it('when an admin grants admin, it answers the account, records actor, subject and both sets of roles, and the next refresh carries the role', async () => {
    const t = await signUp();
    const res = await setRoles(admin, t.accountId, ['admin', 'user', 'admin']);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({
      id: t.accountId,
      roles: ['user', 'admin'],
      createdAt: expect.any(String),
    });
    expect(await eventsOf('auth.roles_changed', t.accountId)).toEqual([
      expect.objectContaining({
        data: { actor: admin.accountId, oldRoles: ['user'], newRoles: ['user', 'admin'] },
      }),
    ]);
    // A grant keeps the sessions: the next access token of the same session has the new role.
    const next = await refresh(t).expect(200);
    expect(await rolesOf(next.body.accessToken)).toEqual(['user', 'admin']);
  });

  it('when the roles are already those, it answers 200 and records nothing', async () => {
    const t = await signUp();
    await setRoles(admin, t.accountId, ['user']).expect(200);
    expect(await eventsOf('auth.roles_changed', t.accountId)).toEqual([]);
    await refresh(t).expect(200);
  });

  it('when an admin takes a role away, every session of that account ends and the logout is recorded', async () => {
    const other = await newAdmin();
    const res = await setRoles(admin, other.accountId, ['user']);
    expect(res.status).toBe(200);
    expect(await storedRoles(other.accountId)).toEqual(['user']);
    await refresh(other).expect(401);
    await api().get('/v1/auth/session').set('authorization', `Bearer ${other.accessToken}`).expect(401);
    expect(await eventsOf('auth.logged_out', other.accountId)).toContainEqual(
      expect.objectContaining({
        data: expect.objectContaining({ all: true, reason: 'roles-removed', actor: admin.accountId }),
      }),
    );
  });

  it('when a user who is not an admin tries, it answers 403 and changes nothing', async () => {
    const [caller, subject] = [await signUp(), await signUp()];
    const res = await setRoles(caller, subject.accountId, ['user', 'admin']);
    expect(res.status).toBe(403);
    await setRoles(caller, caller.accountId, ['user', 'admin']).expect(403);
    expect(await storedRoles(caller.accountId)).toEqual(['user']);
    expect(await eventsOf('auth.roles_changed', subject.accountId)).toEqual([]);
  });

  it('when a role is unknown, it answers 400 naming the allowed roles', async () => {
    const t = await signUp();
    const res = await setRoles(admin, t.accountId, ['user', 'superuser']);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'roles.1', message: 'must be one of: user, admin' }),
    ]);
    const empty = await setRoles(admin, t.accountId, []);
    expect(empty.status).toBe(400);
    expect(empty.body.errors[0]).toMatchObject({ field: 'roles', message: 'must name at least one role' });
    expect(await storedRoles(t.accountId)).toEqual(['user']);
  });

  it('when an admin tries to take away their own admin role, it answers 409 saying why, and they stay admin', async () => {
    const res = await setRoles(admin, admin.accountId, ['user']);
    expect(res.status).toBe(409);
    expect(res.body.detail).toBe(
      'You cannot remove your own admin role; another admin must do it, so the platform always keeps an admin',
    );
    expect(await storedRoles(admin.accountId)).toEqual(['user', 'admin']);
    await refresh(admin).expect(200);
  });

  it('when two admins take each other’s admin role at the same moment, only one succeeds, so an admin remains', async () => {
    const [a, b] = [await newAdmin(), await newAdmin()];
    const results = await Promise.all([
      setRoles(a, b.accountId, ['user']),
      setRoles(b, a.accountId, ['user']),
    ]);
    const statuses = results.map((r) => r.status).sort();
    expect(statuses[0]).toBe(200);
    expect([401, 403]).toContain(statuses[1]);
    const stillAdmin = [await storedRoles(a.accountId), await storedRoles(b.accountId)].filter((r) =>
      r.includes('admin'),
    );
    expect(stillAdmin).toHaveLength(1);
  });

  it('when the account does not exist, it answers 404; when the id is malformed, 400', async () => {
    await setRoles(admin, '00000000-0000-4000-8000-000000000000', ['user']).expect(404);
    const res = await setRoles(admin, 'not-an-id', ['user']);
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatchObject({ field: 'id', in: 'params' });
  });
});

describe('an admin finding an account by email', () => {
  const find = (caller: Tokens, email: string) =>
    api().get('/v1/auth/accounts').query({ email }).set('authorization', `Bearer ${caller.accessToken}`);

  it('when the email has an account (in any letter case), it answers it with its id and roles', async () => {
    const u = newUser();
    const t = await signUp(u);
    const res = await find(admin, u.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      items: [{ id: t.accountId, email: u.email, roles: ['user'], createdAt: expect.any(String) }],
    });
    expect(JSON.stringify(res.body)).not.toContain('argon2');
  });

  it('when no account has the email, it answers an empty list', async () => {
    await find(admin, newUser().email).expect(200, { items: [] });
  });

  it('when the caller is not an admin, it answers 403', async () => {
    const t = await signUp();
    await find(t, firstAdmin.email).expect(403);
  });
});
