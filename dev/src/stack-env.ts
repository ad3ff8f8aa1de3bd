import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the local stack's runtime state; QUIRE_RUN overrides it as in the Makefile. */
export const runDir = (): string =>
  process.env.QUIRE_RUN ?? resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.run');

/** Parses the KEY=VALUE lines of the env file that `make stack-up` writes (comments and blanks skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).replace(/^export\s+/, '');
    let value = line.slice(eq + 1);
    if (/^'.*'$/.test(value) || /^".*"$/.test(value)) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

/** Reads the stack's env file, failing with the command to run when the stack is not up. */
export function readStackEnv(file = resolve(runDir(), 'env')): Record<string, string> {
  if (!existsSync(file)) {
    throw new Error(`The local stack's settings file ${file} does not exist: run \`make stack-up\` first`);
  }
  return parseEnvFile(readFileSync(file, 'utf8'));
}

/** The value of one stack setting, failing with the name and the fix when it is missing. */
export function stackSetting(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`${name} is not set: run \`make stack-up\`, which writes it to .run/env`);
  }
  return value;
}
