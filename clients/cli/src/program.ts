/**
 * The `quire` command tree, built without side effects so tests can read its help and the
 * completion scripts can walk it. Errors are not handled here: commander throws (exitOverride)
 * and main.ts maps every failure to a message and an exit code in one place (errors.ts).
 */
import { Command } from 'commander';
import { addAccountCommands } from './commands/account.js';
import { addAuditCommand } from './commands/audit.js';
import { addClusterCommands } from './commands/cluster.js';
import { addDocsCommands } from './commands/docs.js';
import { addExportCommand } from './commands/export.js';
import { addNotificationsCommand } from './commands/notifications.js';
import { addRolesCommand } from './commands/roles.js';
import { addSearchCommand } from './commands/search.js';
import { bashScript, zshScript } from './completion.js';
import { exitCodesHelp, withExamples } from './help.js';

export const version = '0.1.0';

/** Builds the program; `output` redirects what commander itself writes (help, usage errors). */
export function buildProgram(
  output: { writeOut?: (s: string) => void; writeErr?: (s: string) => void } = {},
): Command {
  const program = new Command('quire')
    .description(
      'quire: run the Quire platform on Kubernetes (status, wait, diff, pause, certs, events) and use it (login, docs, search, export, notifications, audit, roles)',
    )
    .version(version, '-V, --version', 'print the version')
    .configureOutput(output)
    .showHelpAfterError('(add --help for usage and examples)')
    // A command's options are read only before its subcommand's name, so `quire export list -o json`
    // gives -o to list rather than to export, which has options of the same names.
    .enablePositionalOptions()
    .exitOverride();
  program.commandsGroup('Cluster operators (Kubernetes: kubeconfig, --context, -n):');
  addClusterCommands(program);
  program.commandsGroup('Platform users (the gateway: --server or QUIRE_SERVER):');
  addAccountCommands(program);
  addDocsCommands(program);
  addSearchCommand(program);
  addExportCommand(program);
  addNotificationsCommand(program);
  addAuditCommand(program);
  addRolesCommand(program);
  program.commandsGroup('Shell:');
  const completion = program
    .command('completion')
    .description('Print a shell completion script for bash or zsh')
    .argument('<shell>', 'bash or zsh')
    .action((shell: string) => {
      if (shell !== 'bash' && shell !== 'zsh') {
        program.error(`error: quire completion supports bash and zsh, not ${shell}`, {
          exitCode: 2,
          code: 'quire.usage',
        });
      }
      process.stdout.write(shell === 'bash' ? bashScript(program) : zshScript(program));
    });
  withExamples(completion, [
    [
      'source <(quire completion bash)',
      'complete quire in this bash session (add it to ~/.bashrc to keep it)',
    ],
    ['quire completion zsh > ~/.zfunc/_quire', 'install it for zsh (~/.zfunc being a folder on your $fpath)'],
  ]);
  program.addHelpText('after', exitCodesHelp);
  return program;
}
