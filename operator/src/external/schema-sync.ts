/**
 * Reads what PostgreSQL has for a service (its role, its schema, who owns what inside) and applies
 * the schema plan in one transaction, so a schema is never left half made. Also removes a schema and
 * its role for the deletion policy, under the migration lock so no migrator runs meanwhile.
 */

import type pg from 'pg';
import { withMigrationLock } from './migrator.js';
import {
  dropSchemaSteps,
  type ForeignObject,
  planSchema,
  type RoleAttributes,
  type RolePassword,
  type SchemaObservation,
  type SchemaStep,
  type SchemaTarget,
} from './schema-plan.js';

/** What PostgreSQL has for `target`, in two queries. */
export async function observeSchema(client: pg.ClientBase, target: SchemaTarget): Promise<SchemaObservation> {
  const { rows } = await client.query<{
    role: RoleAttributes | null;
    schema_owner: string | null;
    admin_can_set_role: boolean | null;
    role_can_connect: boolean | null;
  }>(
    `SELECT
       (SELECT json_build_object('superuser', rolsuper, 'createdb', rolcreatedb, 'createrole', rolcreaterole,
                                 'replication', rolreplication, 'bypassrls', rolbypassrls, 'canLogin', rolcanlogin)
          FROM pg_roles WHERE rolname = $1) AS role,
       (SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = $2) AS schema_owner,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
         OR (EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AND pg_has_role(current_user, $1, 'MEMBER'))
         AS admin_can_set_role,
       CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)
            THEN has_database_privilege($1, current_database(), 'CONNECT') END AS role_can_connect`,
    [target.role, target.schema],
  );
  const row = rows[0];
  let foreignObjects: ForeignObject[] = [];
  if (row?.schema_owner) {
    // Sequences that belong to a column move with their table, and cannot be given away alone.
    const objects = await client.query<ForeignObject>(
      `SELECT c.relname AS name, c.relkind::text AS kind, pg_get_userbyid(c.relowner) AS owner
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'f', 'v', 'm', 'S')
          AND pg_get_userbyid(c.relowner) <> $2
          AND NOT (c.relkind = 'S' AND EXISTS (
                SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                   AND d.deptype IN ('a', 'i')))
        ORDER BY c.relname`,
      [target.schema, target.role],
    );
    foreignObjects = objects.rows;
  }
  return {
    role: row?.role ?? undefined,
    schemaOwner: row?.schema_owner ?? undefined,
    adminCanSetRole: row?.admin_can_set_role ?? false,
    roleCanConnect: row?.role_can_connect ?? false,
    foreignObjects,
  };
}

/** Runs the plan's statements in one transaction; returns the steps taken (none when all is in place). */
export async function ensureSchema(
  client: pg.ClientBase,
  target: SchemaTarget,
  database: string,
  password: RolePassword,
): Promise<SchemaStep[]> {
  const steps = planSchema(target, database, await observeSchema(client, target), password);
  if (steps.length === 0) return steps;
  await client.query('BEGIN');
  try {
    for (const step of steps) await client.query(step.sql);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  return steps;
}

/** True when the role exists. */
export async function roleExists(client: pg.ClientBase, role: string): Promise<boolean> {
  const { rows } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  return rows.length > 0;
}

/**
 * Removes the schema with its data, and the role: its sessions are ended first, since they would
 * hold locks DROP SCHEMA waits for. Returns whether anything existed.
 */
export async function dropSchema(client: pg.ClientBase, target: SchemaTarget): Promise<boolean> {
  const hasRole = await roleExists(client, target.role);
  const { rows } = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [target.schema]);
  if (!hasRole && rows.length === 0) return false;
  await withMigrationLock(client, target.schema, 10_000, async () => {
    if (hasRole) {
      await client
        .query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [target.role])
        .catch(() => undefined);
    }
    await client.query('BEGIN');
    try {
      for (const sql of dropSchemaSteps(target, hasRole)) await client.query(sql);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
  return true;
}
