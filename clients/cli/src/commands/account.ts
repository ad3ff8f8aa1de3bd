/** `quire login` and `quire logout`: a session with the platform, kept in the user's config folder. */
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { resolveServer, ServiceClient, type TokenResponse } from '../api/client.js';
import { credentialsPath, loadCredentials, removeCredentials } from '../api/credentials.js';
import { CliError, UsageError } from '../errors.js';
import { withExamples } from '../help.js';

/** Adds --server, which every user command takes. */
export function serverOption(command: Command): Command {
  return command.option(
    '-s, --server <url>',
    'base URL of the gateway (default: $QUIRE_SERVER, then the server logged in to)',
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** Reads a line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Login cancelled'));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function askEmail(): Promise<string> {
  if (!process.stdin.isTTY) throw new UsageError('No email given', 'Pass --email you@example.com');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question('Email: ')).trim();
  } finally {
    rl.close();
  }
}

async function password(fromStdin: boolean): Promise<string> {
  if (fromStdin) return readStdin();
  if (process.stdin.isTTY) return promptHidden('Password: ');
  throw new UsageError('No password: standard input is not a terminal', 'Pipe it in with --password-stdin');
}

interface LoginOptions {
  server?: string;
  email?: string;
  passwordStdin: boolean;
  signUp: boolean;
}

async function login(options: LoginOptions): Promise<void> {
  const server = resolveServer(options.server);
  const email = options.email ?? (await askEmail());
  const secret = await password(options.passwordStdin);
  if (!secret) throw new UsageError('The password is empty', 'Type it, or pipe it with --password-stdin');
  const client = new ServiceClient(server, undefined);
  const tokens = await client.json<TokenResponse>(
    'POST',
    options.signUp ? '/v1/auth/signup' : '/v1/auth/login',
    {
      anonymous: true,
      json: { email, password: secret },
    },
  );
  const saved = client.remember(email, tokens);
  process.stdout.write(
    `${options.signUp ? 'Signed up and logged in' : 'Logged in'} to ${server} as ${email} (account ${saved.accountId}); credentials saved in ${credentialsPath()}\n`,
  );
}

async function logout(options: { server?: string }): Promise<void> {
  const saved = loadCredentials();
  if (!saved) {
    process.stdout.write('Not logged in\n');
    return;
  }
  const server = options.server ? resolveServer(options.server) : saved.server;
  if (server !== saved.server) {
    throw new CliError(
      `You are logged in to ${saved.server}, not ${server}`,
      'Run quire logout without --server',
    );
  }
  let ended = 'the server ended the session';
  try {
    await new ServiceClient(server, saved).send('POST', '/v1/auth/logout');
  } catch (error) {
    // The local tokens go whatever the server says: a user logging out wants them gone.
    ended = `the server could not end the session (${(error as Error).message}); it ends when its refresh token expires`;
  }
  removeCredentials();
  process.stdout.write(`Logged out of ${server}: ${ended}; removed ${credentialsPath()}\n`);
}

/** Registers login and logout on `program`. */
export function addAccountCommands(program: Command): void {
  const loginCommand = serverOption(
    program
      .command('login')
      .description('Log in to the platform and keep the session in your config folder (mode 0600)'),
  )
    .option('-e, --email <email>', 'your email (asked for on a terminal when omitted)')
    .option('--password-stdin', 'read the password from standard input instead of asking', false)
    .option('--sign-up', 'create the account first, then log in', false)
    .action(login);
  withExamples(loginCommand, [
    [
      'quire login --server https://quire.example.com --email ada@example.com',
      'log in, typing the password at the prompt',
    ],
    [
      'pass show quire | quire login -s https://quire.example.com -e ada@example.com --password-stdin',
      'log in from a script',
    ],
    ['quire login --sign-up -e ada@example.com', 'create an account on the server already logged in to'],
  ]);

  const logoutCommand = serverOption(
    program.command('logout').description('End the session on the server and delete the stored tokens'),
  ).action(logout);
  withExamples(logoutCommand, [['quire logout', 'end the session and remove the credentials file']]);
}
