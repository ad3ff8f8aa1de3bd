/**
 * `quire roles <email>` (admins): an account's roles from the Auth service, and with `--grant` or
 * `--revoke` a change of them (GET /v1/auth/accounts?email=, PUT /v1/auth/accounts/:id/roles). Auth
 * keeps the rules: only admins, no admin taking away their own admin role, and the account's sessions
 * end when a role is taken away.
 */
import type { Command } from 'commander';
import { resolveServer, ServiceClient } from '../api/client.js';
import { CliError, UsageError } from '../errors.js';
import { withExamples } from '../help.js';
import { type OutputFormat, outputOption, printView } from '../output/format.js';
import { serverOption } from './account.js';

/** An account as Auth's admin API answers it; also the `-o json` shape. */
export interface AccountView {
  id: string;
  email: string;
  roles: string[];
  createdAt: string;
}

interface RolesOptions {
  server?: string;
  grant: string[];
  revoke: string[];
  output: OutputFormat;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** The roles after granting and revoking, in a stable order; pure, for tests. */
export function changedRoles(
  current: readonly string[],
  grant: readonly string[],
  revoke: readonly string[],
) {
  const both = grant.filter((r) => revoke.includes(r));
  if (both.length) {
    throw new UsageError(
      `--grant and --revoke both name ${both.join(', ')}`,
      'Name each role in one of them only',
    );
  }
  return [...new Set([...current, ...grant])].filter((r) => !revoke.includes(r));
}

const render = (a: AccountView) => `${a.email} (${a.id}): ${a.roles.join(', ') || 'no roles'}`;

async function runRoles(email: string, options: RolesOptions): Promise<void> {
  const client = new ServiceClient(resolveServer(options.server));
  const found = await client.json<{ items: AccountView[] }>('GET', '/v1/auth/accounts', {
    query: { email },
  });
  const account = found.items[0];
  if (!account) {
    throw new CliError(
      `No account has the email ${email.trim()}`,
      'Check the address: it must be the one the person signed up with',
    );
  }
  if (!options.grant.length && !options.revoke.length) {
    printView(options.output, account, render);
    return;
  }
  const roles = changedRoles(account.roles, options.grant, options.revoke);
  const changed = await client.json<AccountView>(
    'PUT',
    `/v1/auth/accounts/${encodeURIComponent(account.id)}/roles`,
    { json: { roles } },
  );
  printView(options.output, changed, render);
}

/** Registers roles on `program`. */
export function addRolesCommand(program: Command): void {
  const command = serverOption(
    program
      .command('roles')
      .argument('<email>', 'the email the account signed up with')
      .description("Show an account's roles, or grant and revoke them (admins only)"),
  )
    .option('--grant <role>', 'add a role (user or admin); repeat for more', collect, [])
    .option('--revoke <role>', 'take a role away; the account must log in again', collect, [])
    .addOption(outputOption())
    .action(runRoles);
  withExamples(command, [
    ['quire roles ada@example.com', "Ada's roles"],
    ['quire roles ada@example.com --grant admin', 'make Ada an admin'],
    ['quire roles bob@example.com --revoke admin', "take Bob's admin role away (his sessions end)"],
  ]);
}
