/**
 * Background processes with their state in one folder each (`pid`, `<name>.log`), as the stack's
 * scripts keep theirs (dev/lib/common.sh): started in a session of their own so stopping one stops
 * its children, and only ever stopped through the recorded pid, never by name.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

export interface ManagedProcess {
  /** Short name for messages, e.g. `operator` or `service auth`. */
  readonly name: string;
  /** Folder of its pid file and log. */
  readonly dir: string;
  readonly log: string;
}

export const managedProcess = (name: string, dir: string, logName: string): ManagedProcess => ({
  name,
  dir,
  log: join(dir, `${logName}.log`),
});

const pidFile = (p: ManagedProcess) => join(p.dir, 'pid');

/** The recorded pid when that process is still alive, else undefined. */
export function runningPid(p: ManagedProcess): number | undefined {
  if (!existsSync(pidFile(p))) return undefined;
  const pid = Number(readFileSync(pidFile(p), 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

/** Starts `command` detached, appending to its log, and records its pid. */
export function startProcess(
  p: ManagedProcess,
  command: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; cwd?: string },
): number {
  mkdirSync(p.dir, { recursive: true });
  const out = openSync(p.log, 'a');
  const child = spawn(command, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: options.env,
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  closeSync(out);
  if (child.pid === undefined) throw new Error(`${p.name} could not be started (${command})`);
  child.unref();
  writeFileSync(pidFile(p), `${child.pid}\n`);
  return child.pid;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** TERMs the recorded process group, KILLs it after `graceMs`; true when something was running. */
export async function stopProcess(p: ManagedProcess, graceMs = 20_000): Promise<boolean> {
  const pid = runningPid(p);
  if (pid !== undefined) {
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch {
        try {
          process.kill(pid, s);
        } catch {
          // Already gone.
        }
      }
    };
    signal('SIGTERM');
    const deadline = Date.now() + graceMs;
    while (alive(pid) && Date.now() < deadline) await sleep(100);
    if (alive(pid)) {
      console.warn(`warning: ${p.name} did not stop within ${graceMs / 1000}s; killing it`);
      signal('SIGKILL');
    }
  }
  rmSync(pidFile(p), { force: true });
  return pid !== undefined;
}

/** The last lines of a log, indented, for a failure message. */
export function logTail(p: ManagedProcess, lines = 15): string {
  if (!existsSync(p.log)) return '         (no log yet)';
  const text = readFileSync(p.log, 'utf8').trimEnd().split('\n').slice(-lines);
  return text.map((l) => `         ${l.length > 300 ? `${l.slice(0, 300)}…` : l}`).join('\n');
}

/**
 * Polls `ready` until it is true; fails with the process's log when the process exits or the time
 * runs out, so a failed start says why.
 */
export async function waitReady(
  p: ManagedProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await ready().catch(() => false)) return;
    if (runningPid(p) === undefined) {
      throw new Error(`${p.name} exited during start-up; read the log: ${p.log}\n${logTail(p)}`);
    }
    if (Date.now() >= deadline) {
      throw new Error(
        `${p.name} is not ready after ${timeoutMs / 1000}s; read the log: ${p.log}\n${logTail(p)}`,
      );
    }
    await sleep(250);
  }
}

/** True when an HTTP GET of `url` answers 200. */
export async function httpOk(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await response.body?.cancel();
  return response.status === 200;
}

/** The newest modification time of some files and the files under some folders: a rebuild gives a newer one. */
export function newestMtime(dirs: readonly string[], skip: (path: string) => boolean = () => false): number {
  let latest = 0;
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    if (statSync(dir).isFile()) {
      latest = Math.max(latest, statSync(dir).mtimeMs);
      continue;
    }
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      const path = join(entry.parentPath, entry.name);
      if (entry.isFile() && !skip(path)) latest = Math.max(latest, statSync(path).mtimeMs);
    }
  }
  return latest;
}

export type EnsureAction = 'started' | 'restarted' | 'kept';

/**
 * Keeps a process that runs from the same inputs (`fingerprint`: its environment, its build), and
 * (re)starts it otherwise, so a second `make up` is quick and a rebuilt package is picked up.
 */
export async function ensureProcess(
  p: ManagedProcess,
  fingerprint: string,
  start: () => void,
  force = false,
): Promise<EnsureAction> {
  const file = join(p.dir, 'fingerprint');
  const running = runningPid(p) !== undefined;
  const same = existsSync(file) && readFileSync(file, 'utf8') === fingerprint;
  if (running && same && !force) return 'kept';
  if (running) await stopProcess(p);
  start();
  writeFileSync(file, fingerprint);
  return running ? 'restarted' : 'started';
}

/** A short hash of anything JSON can write. */
export const hashOf = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex');
