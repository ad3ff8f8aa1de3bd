import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  dropSchemaSteps,
  generatePassword,
  planSchema,
  type RoleAttributes,
  roleNameFor,
  type SchemaObservation,
  scramVerifier,
} from './schema-plan.js';

const target = { service: 'auth', schema: 'auth', role: 'quire_auth' };
const leastPrivilege: RoleAttributes = {
  superuser: false,
  createdb: false,
  createrole: false,
  replication: false,
  bypassrls: false,
  canLogin: true,
};
const inPlace: SchemaObservation = {
  role: leastPrivilege,
  schemaOwner: 'quire_auth',
  adminCanSetRole: true,
  roleCanConnect: true,
  foreignObjects: [],
};
const nothing: SchemaObservation = {
  role: undefined,
  schemaOwner: undefined,
  adminCanSetRole: false,
  roleCanConnect: false,
  foreignObjects: [],
};
const keep = { verifier: 'SCRAM-SHA-256$4096:c2FsdA==$a:b', replace: false };

describe('planning a service schema', () => {
  it('creates a login role with least privilege, lets the admin become it, and a schema it owns', () => {
    const steps = planSchema(target, 'quire', nothing, keep);
    expect(steps.map((s) => s.action)).toEqual([
      'create-role',
      'grant-role-to-admin',
      'grant-connect',
      'create-schema',
    ]);
    expect(steps[0]?.sql).toBe(
      `CREATE ROLE "quire_auth" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD 'SCRAM-SHA-256$4096:c2FsdA==$a:b'`,
    );
    expect(steps[3]?.sql).toBe('CREATE SCHEMA "auth" AUTHORIZATION "quire_auth"');
    expect(steps[2]?.sql).toBe('GRANT CONNECT ON DATABASE "quire" TO "quire_auth"');
  });

  it('does nothing when the role, the schema and the grants are in place, so re-running is a no-op', () => {
    expect(planSchema(target, 'quire', inPlace, keep)).toEqual([]);
  });

  it('sets the password of an existing role only when asked to replace it', () => {
    const steps = planSchema(target, 'quire', inPlace, { ...keep, replace: true });
    expect(steps.map((s) => s.action)).toEqual(['set-password']);
    expect(steps[0]?.description).not.toContain('SCRAM');
  });

  it('reverts privileges granted to the role outside the operator', () => {
    const steps = planSchema(
      target,
      'quire',
      { ...inPlace, role: { ...leastPrivilege, createdb: true } },
      keep,
    );
    expect(steps).toEqual([
      expect.objectContaining({ action: 'repair-role', sql: expect.stringContaining('NOCREATEDB') }),
    ]);
  });

  it('adopts an existing schema owned by another role, with the tables in it', () => {
    const steps = planSchema(
      target,
      'quire',
      {
        ...inPlace,
        schemaOwner: 'postgres',
        foreignObjects: [
          { name: 'accounts', kind: 'r', owner: 'postgres' },
          { name: 'recent', kind: 'v', owner: 'postgres' },
          { name: 'odd', kind: 'c', owner: 'postgres' },
        ],
      },
      keep,
    );
    expect(steps.map((s) => s.sql)).toEqual([
      'ALTER SCHEMA "auth" OWNER TO "quire_auth"',
      'ALTER TABLE "auth"."accounts" OWNER TO "quire_auth"',
      'ALTER VIEW "auth"."recent" OWNER TO "quire_auth"',
    ]);
  });

  it('quotes names, so a reserved word such as user is a valid schema', () => {
    const steps = planSchema({ service: 'user', schema: 'user', role: 'quire_user' }, 'quire', nothing, keep);
    expect(steps.at(-1)?.sql).toBe('CREATE SCHEMA "user" AUTHORIZATION "quire_user"');
  });

  it('removes the schema with its data before the role, and the role only if it exists', () => {
    expect(dropSchemaSteps(target, true)).toEqual([
      'DROP SCHEMA IF EXISTS "auth" CASCADE',
      'DROP OWNED BY "quire_auth"',
      'DROP ROLE "quire_auth"',
    ]);
    expect(dropSchemaSteps(target, false)).toEqual(['DROP SCHEMA IF EXISTS "auth" CASCADE']);
  });
});

describe('role names', () => {
  it('are the database and the schema, since roles are shared by every database of a server', () => {
    expect(roleNameFor('quire', 'users')).toBe('quire_users');
  });

  it('stay within 63 characters and unique when both names are long', () => {
    const a = roleNameFor('d'.repeat(40), `${'s'.repeat(30)}a`);
    const b = roleNameFor('d'.repeat(40), `${'s'.repeat(30)}b`);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('passwords', () => {
  it('are long, random and URL-safe, so a connection URL needs no escaping', () => {
    const a = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generatePassword()).not.toBe(a);
  });

  it('reach PostgreSQL only as a SCRAM-SHA-256 verifier that a client proof can be checked against', () => {
    const salt = Buffer.from('0123456789abcdef');
    const verifier = scramVerifier('pencil', salt, 4096);
    const [, params, keys] = verifier.split('$');
    expect(verifier.startsWith('SCRAM-SHA-256$4096:')).toBe(true);
    expect(params).toBe(`4096:${salt.toString('base64')}`);
    // What a server does with it: the client key from the password must hash to the stored key.
    const salted = pbkdf2Sync('pencil', salt, 4096, 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    expect(keys?.split(':')[0]).toBe(createHash('sha256').update(clientKey).digest('base64'));
    expect(verifier).not.toContain('pencil');
  });
});
