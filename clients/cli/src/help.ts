/** Help text every command shares: worked examples under each command, and the exit codes. */
import type { Command } from 'commander';

/** One example: the command line and what it does. */
export type Example = readonly [commandLine: string, what: string];

/** Adds an "Examples:" section after the command's generated help. */
export function withExamples(command: Command, examples: readonly Example[]): Command {
  const body = examples.map(([line, what]) => `  # ${what}\n  $ ${line}`).join('\n\n');
  return command.addHelpText('after', `\nExamples:\n${body}\n`);
}

/** The documented exit codes, shown under the top-level help. */
export const exitCodesHelp = `
Exit codes:
  0  the command did what was asked
  1  it failed: the cluster or a service refused, the network failed, or a wait timed out
  2  the command line was wrong: unknown command or option, missing argument, bad value

Environment:
  QUIRE_SERVER       base URL of the gateway (or a service) for the user commands
  XDG_CONFIG_HOME    where credentials are kept: $XDG_CONFIG_HOME/quire/credentials.json (mode 0600)
  KUBECONFIG         the kubeconfig of the cluster commands, as kubectl reads it
  NO_COLOR           set to print without colour (colour is also off when output is not a terminal)
  NODE_EXTRA_CA_CERTS  a PEM file of extra CAs, for a gateway with a private CA
`;
