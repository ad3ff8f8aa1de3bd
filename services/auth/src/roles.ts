/**
 * Who may change whose roles, and the event that records a change. The rules are pure; the store
 * applies them to the rows it has locked (accounts.ts).
 */
import { ConflictError, NotAllowedError } from '@quire/kit';
import type { AccountStore } from './accounts.js';
import { authEvent, authEventTypes } from './auth-events.js';

export const adminRole = 'admin';

/** The actor Audit records for the first admin, who was made one by a setting rather than a person. */
export const firstAdminActor = 'setting:QUIRE_AUTH_BOOTSTRAP_ADMIN_EMAIL';

/** The roles a change takes away. */
export const removedRoles = (before: readonly string[], after: readonly string[]): string[] =>
  before.filter((r) => !after.includes(r));

/** Refuses anyone but an admin (403). */
export function requireAdmin(roles: readonly string[]): void {
  if (!roles.includes(adminRole)) throw new NotAllowedError('Only admins may manage accounts');
}

/**
 * Refuses a change the actor may not make: anyone but an admin (403), and an admin taking their own
 * admin role away (409), so the platform always keeps at least one admin.
 */
export function checkRoleChange(change: {
  actorId: string;
  actorRoles: readonly string[];
  subjectId: string;
  roles: readonly string[];
}): void {
  requireAdmin(change.actorRoles);
  if (change.actorId === change.subjectId && !change.roles.includes(adminRole)) {
    throw new ConflictError(
      'You cannot remove your own admin role; another admin must do it, so the platform always keeps an admin',
    );
  }
}

/** The event of a change of roles: who made it, whose roles, before and after. */
export const rolesChangedEvent = (
  actor: string,
  subjectId: string,
  before: readonly string[],
  after: readonly string[],
) =>
  authEvent(authEventTypes.rolesChanged, subjectId, { actor, oldRoles: [...before], newRoles: [...after] });

/** Makes the account with the first-admin email an admin, if it exists and no account is one yet. */
export const grantFirstAdmin = (accounts: AccountStore, email: string) =>
  accounts.grantFirstAdmin(email, (account, before) =>
    rolesChangedEvent(firstAdminActor, account.id, before, account.roles),
  );
