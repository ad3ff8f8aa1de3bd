/**
 * The one place where failures become what a person reads and the exit code scripts test: every
 * command throws, and main.ts hands whatever was thrown to `describeFailure`. A message names the
 * problem; `fix` says what to do about it.
 */
import { CommanderError } from 'commander';
import { humanDuration } from './output/format.js';

/** The documented exit codes. */
export const ExitCode = {
  /** The command did what was asked. */
  Ok: 0,
  /** The command failed: the cluster, a service or the network said no, or a wait timed out. */
  Error: 1,
  /** The command line was wrong: unknown option, missing argument, bad value, unreadable file. */
  Usage: 2,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the CLI understands, with the fix to print under it. */
export class CliError extends Error {
  readonly exitCode: ExitCode = ExitCode.Error;
  constructor(
    message: string,
    readonly fix?: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The command line asked for something impossible; exit code 2. */
export class UsageError extends CliError {
  override readonly exitCode = ExitCode.Usage;
  constructor(message: string, fix?: string) {
    super(message, fix);
    this.name = 'UsageError';
  }
}

/** A Kubernetes API answer outside 2xx, with the Status the API server sent. */
export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

/** An answer of a Quire service outside 2xx, with its problem+json fields. */
export class ServiceProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fields: readonly { field?: string; message?: string }[] = [],
    /** How long the service asked to wait before trying again (its Retry-After), when it said. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail || title);
    this.name = 'ServiceProblem';
  }
}

/**
 * A Retry-After header in seconds from `now`: RFC 9110 allows a number of seconds or an HTTP date.
 * Undefined when absent or unreadable, so the generic advice is printed instead of a wrong wait.
 */
export function retryAfterSeconds(header: string | null | undefined, now = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  // An HTTP date names its day and month; Date.parse alone would read "-5" as a year.
  const at = /[a-z]/i.test(value) ? Date.parse(value) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** What to do about a 429: wait as long as the service said, or a minute when it did not say. */
function tooManyFix(seconds: number | undefined): string {
  if (seconds === undefined) return 'Wait a minute and try again';
  if (seconds === 0) return 'Try again now (the service allows it again)';
  return `Wait ${humanDuration(seconds)} and try again (the service said so in Retry-After)`;
}

/** What to print for a failure, and the exit code. */
export interface FailureReport {
  exitCode: ExitCode;
  lines: string[];
  /** Commander already wrote the message (usage errors, help). */
  printed: boolean;
}

const networkCodes: Record<string, string> = {
  ECONNREFUSED: 'the connection was refused',
  ENOTFOUND: 'the host name does not resolve',
  ETIMEDOUT: 'the connection timed out',
  ECONNRESET: 'the connection was reset',
  EAI_AGAIN: 'the host name could not be resolved right now',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not signed by a trusted CA',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate chain ends in an untrusted self-signed CA',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
};

/** The network reason inside a fetch failure (undici hides it in `cause`), if any. */
export function networkReason(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && networkCodes[code]) return networkCodes[code];
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Wraps a failed connection to `what` (a URL or "the API server …") in a CliError with the fix. */
export function unreachable(what: string, error: unknown, fix: string): CliError | undefined {
  const reason = networkReason(error);
  if (!reason) return undefined;
  const tls = /TLS/.test(reason) ? ' (a private CA can be trusted with NODE_EXTRA_CA_CERTS=<ca.pem>)' : '';
  return new CliError(`Cannot reach ${what}: ${reason}`, `${fix}${tls}`);
}

function problemLines(problem: ServiceProblem): string[] {
  const fields = problem.fields.map((f) => `  ${f.field ?? 'request'}: ${f.message ?? 'invalid'}`);
  const head = `${problem.title} (HTTP ${problem.status}): ${problem.detail}`;
  const fix: Record<number, string> = {
    401: 'Log in again: quire login',
    403: 'Ask an admin for access, or use an account that has it',
    429: tooManyFix(problem.retryAfterSeconds),
    503: 'The service is starting or a dependency is down; try again shortly',
  };
  const hint = fix[problem.status];
  return [head, ...fields, ...(hint ? [`Fix: ${hint}`] : [])];
}

/** Turns anything thrown into the lines to print and the exit code. */
export function describeFailure(error: unknown): FailureReport {
  if (error instanceof CommanderError) {
    // Help and --version "fail" with 0; everything else commander reports is a usage error.
    const exitCode = error.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
    return { exitCode, lines: [], printed: true };
  }
  if (error instanceof CliError) {
    const lines = [error.message, ...(error.fix ? [`Fix: ${error.fix}`] : [])];
    return { exitCode: error.exitCode, lines, printed: false };
  }
  if (error instanceof ServiceProblem) {
    return { exitCode: ExitCode.Error, lines: problemLines(error), printed: false };
  }
  if (error instanceof KubeApiError) {
    return {
      exitCode: ExitCode.Error,
      lines: [`The API server refused (HTTP ${error.code} ${error.reason}): ${error.message}`],
      printed: false,
    };
  }
  const reason = networkReason(error);
  if (reason) return { exitCode: ExitCode.Error, lines: [`A connection failed: ${reason}`], printed: false };
  const message = error instanceof Error ? error.message : String(error);
  const stack = process.env.QUIRE_DEBUG && error instanceof Error && error.stack ? [error.stack] : [];
  return {
    exitCode: ExitCode.Error,
    lines: [
      `Unexpected error: ${message}`,
      ...stack,
      'Fix: run again with QUIRE_DEBUG=1 and report the output',
    ],
    printed: false,
  };
}
