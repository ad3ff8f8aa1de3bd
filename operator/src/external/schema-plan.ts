/**
 * What a service's schema and role should be, as SQL, decided with no I/O from what PostgreSQL
 * reports. Least privilege: the role can log in and owns its schema and what is in it, and nothing
 * else (no superuser, no CREATEDB, no CREATEROLE, no replication, no bypassing row security). The
 * role's attributes are reverted when changed out of band; objects in the schema owned by another
 * role (an adopted schema) are handed to the service's role, so it can use its own data. Passwords
 * are sent as SCRAM verifiers, so the clear text never reaches PostgreSQL or its statement log.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';

/** The service's role and schema in one database. */
export interface SchemaTarget {
  readonly service: string;
  readonly schema: string;
  readonly role: string;
}

/** The role's attributes as pg_roles reports them. */
export interface RoleAttributes {
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  readonly canLogin: boolean;
}

/** A relation in the schema that another role owns. */
export interface ForeignObject {
  readonly name: string;
  /** pg_class.relkind: r, p (tables), f (foreign table), v (view), m (materialized view), S (sequence). */
  readonly kind: string;
  readonly owner: string;
}

/** What PostgreSQL reports about one target. */
export interface SchemaObservation {
  /** Undefined when the role does not exist. */
  readonly role: RoleAttributes | undefined;
  /** Undefined when the schema does not exist. */
  readonly schemaOwner: string | undefined;
  /** The administrator can become the role (superuser, or a member). */
  readonly adminCanSetRole: boolean;
  readonly roleCanConnect: boolean;
  readonly foreignObjects: readonly ForeignObject[];
}

export type SchemaAction =
  | 'create-role'
  | 'repair-role'
  | 'set-password'
  | 'grant-role-to-admin'
  | 'grant-connect'
  | 'create-schema'
  | 'adopt-schema'
  | 'adopt-object';

/** One statement and what it does, in words safe to log (never a password). */
export interface SchemaStep {
  readonly action: SchemaAction;
  readonly sql: string;
  readonly description: string;
}

/** Double-quotes an identifier; the Platform API admits only lowercase identifiers, so this is belt and braces. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const literal = (value: string): string => `'${value.replaceAll("'", "''")}'`;

const leastPrivilege = 'LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS';

/**
 * The role of a service's schema: `<database>_<schema>`, since roles are shared by every database
 * of a server and two Platforms may use one server. Longer than 63 characters, it is shortened and
 * a hash keeps it unique.
 */
export function roleNameFor(database: string, schema: string): string {
  const name = `${database}_${schema}`;
  if (name.length <= 63) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, 54)}_${hash}`;
}

/** A new password: 192 random bits, URL-safe, so it can sit in a connection URL unescaped. */
export function generatePassword(): string {
  return randomBytes(24).toString('base64url');
}

/** The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802, as libpq computes it). */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password.normalize('NFKC'), salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

const alterOwnerKind: Record<string, string> = {
  r: 'TABLE',
  p: 'TABLE',
  f: 'FOREIGN TABLE',
  v: 'VIEW',
  m: 'MATERIALIZED VIEW',
  S: 'SEQUENCE',
};

function roleDrifted(role: RoleAttributes): boolean {
  return (
    role.superuser || role.createdb || role.createrole || role.replication || role.bypassrls || !role.canLogin
  );
}

/** The role's password as a SCRAM verifier; `replace` sets it on a role that already exists. */
export interface RolePassword {
  readonly verifier: string;
  /** False when the role's password is already the one the service's Secret holds. */
  readonly replace: boolean;
}

/** The statements that make `target` exist with least privilege; a new role gets `password`. */
export function planSchema(
  target: SchemaTarget,
  database: string,
  observed: SchemaObservation,
  password: RolePassword,
): SchemaStep[] {
  const role = ident(target.role);
  const schema = ident(target.schema);
  const steps: SchemaStep[] = [];
  if (!observed.role) {
    steps.push({
      action: 'create-role',
      sql: `CREATE ROLE ${role} WITH ${leastPrivilege} PASSWORD ${literal(password.verifier)}`,
      description: `Created role ${target.role}`,
    });
  } else {
    if (roleDrifted(observed.role)) {
      steps.push({
        action: 'repair-role',
        sql: `ALTER ROLE ${role} WITH ${leastPrivilege}`,
        description: `Reset role ${target.role} to least privilege (it had been changed outside the operator)`,
      });
    }
    if (password.replace) {
      steps.push({
        action: 'set-password',
        sql: `ALTER ROLE ${role} WITH PASSWORD ${literal(password.verifier)}`,
        description: `Set a new password for role ${target.role}`,
      });
    }
  }
  // Migrations run as the role (SET ROLE), so the administrator must be able to become it.
  if (!observed.adminCanSetRole) {
    steps.push({
      action: 'grant-role-to-admin',
      sql: `GRANT ${role} TO CURRENT_USER`,
      description: `Granted role ${target.role} to the administrator, to run migrations as it`,
    });
  }
  if (!observed.role || !observed.roleCanConnect) {
    steps.push({
      action: 'grant-connect',
      sql: `GRANT CONNECT ON DATABASE ${ident(database)} TO ${role}`,
      description: `Allowed role ${target.role} to connect to database ${database}`,
    });
  }
  if (observed.schemaOwner === undefined) {
    steps.push({
      action: 'create-schema',
      sql: `CREATE SCHEMA ${schema} AUTHORIZATION ${role}`,
      description: `Created schema ${target.schema} owned by ${target.role}`,
    });
  } else if (observed.schemaOwner !== target.role) {
    steps.push({
      action: 'adopt-schema',
      sql: `ALTER SCHEMA ${schema} OWNER TO ${role}`,
      description: `Adopted schema ${target.schema}: its owner is now ${target.role} (was ${observed.schemaOwner})`,
    });
  }
  for (const object of observed.foreignObjects) {
    const kind = alterOwnerKind[object.kind];
    if (!kind) continue;
    steps.push({
      action: 'adopt-object',
      sql: `ALTER ${kind} ${schema}.${ident(object.name)} OWNER TO ${role}`,
      description: `Gave ${kind.toLowerCase()} ${target.schema}.${object.name} to ${target.role} (was ${object.owner})`,
    });
  }
  return steps;
}

/** The statements that remove a schema with its data, then its role (deletion policy Delete). */
export function dropSchemaSteps(target: SchemaTarget, roleExists: boolean): string[] {
  const statements = [`DROP SCHEMA IF EXISTS ${ident(target.schema)} CASCADE`];
  if (roleExists) {
    // What the role still owns or was granted in this database would block DROP ROLE.
    statements.push(`DROP OWNED BY ${ident(target.role)}`, `DROP ROLE ${ident(target.role)}`);
  }
  return statements;
}
