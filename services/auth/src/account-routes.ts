/** The admins' account routes: finding an account by email and setting its roles. */
import type { ApiRouter } from '@quire/kit';
import type { Account, AccountStore } from './accounts.js';
import { authEvent, authEventTypes } from './auth-events.js';
import { checkRoleChange, removedRoles, requireAdmin, rolesChangedEvent } from './roles.js';
import { AccountIdParams, AccountList, AccountLookupQuery, AccountView, SetRolesRequest } from './schemas.js';
import type { SessionStore } from './sessions.js';

export interface AccountRouteDeps {
  accounts: AccountStore;
  sessions: SessionStore;
}

const toView = (a: Account) => ({
  id: a.id,
  email: a.email,
  roles: a.roles,
  createdAt: a.createdAt.toISOString(),
});

/** Declares the account routes on the service's router. */
export function accountRoutes(deps: AccountRouteDeps) {
  const { accounts, sessions } = deps;
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/auth/accounts',
        operationId: 'findAccounts',
        summary: 'Find an account by its email (admins)',
        description: 'Answers the account with this email, in a list that is empty when there is none.',
        tags: ['accounts'],
        authenticated: true,
        query: AccountLookupQuery,
        responses: { 200: { description: 'The accounts found', body: AccountList } },
        problems: [403],
      },
      async ({ principal, query }) => {
        requireAdmin(principal.roles);
        const account = await accounts.findByEmail(query.email);
        return {
          status: 200,
          headers: { 'Cache-Control': 'no-store' },
          body: { items: account ? [toView(account)] : [] },
        };
      },
    );

    r.route(
      {
        method: 'put',
        path: '/v1/auth/accounts/:id/roles',
        operationId: 'setAccountRoles',
        summary: "Set an account's roles (admins)",
        description:
          'Replaces the roles of the account; an admin cannot take away their own admin role (409). ' +
          'Added roles reach the account’s sessions at their next refresh. When a role is taken away, ' +
          'every session of the account ends: its refresh tokens stop working and Auth refuses its access tokens at once, ' +
          'while other services accept an access token already issued until it expires (QUIRE_AUTH_ACCESS_TOKEN_TTL_SECONDS). ' +
          'Writes `auth.roles_changed` (actor, subject, old and new roles) for Audit.',
        tags: ['accounts'],
        authenticated: true,
        params: AccountIdParams,
        body: SetRolesRequest,
        responses: { 200: { description: 'The account with its new roles', body: AccountView } },
        problems: [403, 404, 409],
      },
      async ({ principal, params, body }) => {
        const actorId = principal.subject;
        const change = { actorId, subjectId: params.id, roles: body.roles };
        const { account, before } = await accounts.setRoles(
          change,
          (actorRoles) => checkRoleChange({ ...change, actorRoles }),
          (old) => rolesChangedEvent(actorId, params.id, old, body.roles),
        );
        const removed = removedRoles(before, account.roles);
        if (removed.length > 0) {
          const count = await sessions.revokeAll(account.id);
          await accounts.recordEvent(
            authEvent(authEventTypes.loggedOut, account.id, {
              all: true,
              count,
              reason: 'roles-removed',
              actor: actorId,
            }),
          );
        }
        return { status: 200, headers: { 'Cache-Control': 'no-store' }, body: toView(account) };
      },
    );
  };
}
