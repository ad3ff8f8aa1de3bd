/**
 * The user's session on disk: `$XDG_CONFIG_HOME/quire/credentials.json` (else ~/.config/quire, or
 * %APPDATA%\quire on Windows), the folder 0700 and the file 0600, written whole to a temporary file
 * and renamed, so a crash never leaves half a token and no other user can ever read one.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/** What `quire login` stores. */
export interface Credentials {
  /** The base URL the tokens were issued through. */
  server: string;
  email: string;
  accountId: string;
  accessToken: string;
  refreshToken: string;
  /** When the access token expires (ISO 8601). */
  expiresAt: string;
}

/** The folder of the CLI's configuration, by the XDG rules. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, 'quire');
  if (process.platform === 'win32' && env.APPDATA) return join(env.APPDATA, 'quire');
  return join(homedir(), '.config', 'quire');
}

export const credentialsPath = (env: NodeJS.ProcessEnv = process.env) =>
  join(configDir(env), 'credentials.json');

/** The stored session, or undefined when nobody is logged in. */
export function loadCredentials(): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(credentialsPath(), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CliError(
      `Cannot read ${credentialsPath()}: ${(error as Error).message}`,
      'Fix its permissions, or log in again',
    );
  }
  try {
    return JSON.parse(text) as Credentials;
  } catch {
    throw new CliError(
      `${credentialsPath()} is not valid JSON`,
      'Log in again: quire login (it rewrites the file)',
    );
  }
}

/** Stores the session readable by the user alone. */
export function saveCredentials(credentials: Credentials): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves an existing folder's mode alone; tighten it in case it was created wider.
  chmodSync(dir, 0o700);
  const file = credentialsPath();
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}

/** Forgets the session; true when there was one. */
export function removeCredentials(): boolean {
  try {
    rmSync(credentialsPath());
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
