import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  CliError,
  describeFailure,
  ExitCode,
  KubeApiError,
  retryAfterSeconds,
  ServiceProblem,
  UsageError,
} from './errors.js';

describe('failures as the user sees them', () => {
  it('print the problem, then the fix, and exit 1', () => {
    expect(describeFailure(new CliError('The Platform is gone', 'Check -n'))).toEqual({
      exitCode: ExitCode.Error,
      lines: ['The Platform is gone', 'Fix: Check -n'],
      printed: false,
    });
  });

  it('exit 2 for the command line, including what commander itself rejected (already printed by it)', () => {
    expect(describeFailure(new UsageError('Bad')).exitCode).toBe(2);
    const unknown = new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'");
    expect(describeFailure(unknown)).toEqual({ exitCode: 2, lines: [], printed: true });
    expect(describeFailure(new CommanderError(0, 'commander.helpDisplayed', '(help)')).exitCode).toBe(0);
  });

  it('show a service problem with its title, status, detail, broken fields and the fix for its status', () => {
    const problem = new ServiceProblem(401, 'Authentication required', 'The token expired', [
      { field: 'token', message: 'expired' },
    ]);
    expect(describeFailure(problem).lines).toEqual([
      'Authentication required (HTTP 401): The token expired',
      '  token: expired',
      'Fix: Log in again: quire login',
    ]);
  });

  it('when a service answers 429 with Retry-After, say how long to wait; without it, a minute', () => {
    const limited = (seconds?: number) =>
      describeFailure(new ServiceProblem(429, 'Too Many Requests', 'Too many lookups', [], seconds)).lines;
    expect(limited(90)).toEqual([
      'Too Many Requests (HTTP 429): Too many lookups',
      'Fix: Wait 1m30s and try again (the service said so in Retry-After)',
    ]);
    expect(limited(7)).toContain('Fix: Wait 7s and try again (the service said so in Retry-After)');
    expect(limited(0)).toContain('Fix: Try again now (the service allows it again)');
    expect(limited()).toContain('Fix: Wait a minute and try again');
  });

  it('read Retry-After as seconds or as an HTTP date, and ignore what is neither', () => {
    const now = Date.parse('2026-02-01T10:00:00Z');
    expect(retryAfterSeconds('120', now)).toBe(120);
    expect(retryAfterSeconds(' 0 ', now)).toBe(0);
    expect(retryAfterSeconds('Sun, 01 Feb 2026 10:02:30 GMT', now)).toBe(150);
    expect(retryAfterSeconds('Sun, 01 Feb 2026 09:00:00 GMT', now)).toBe(0);
    expect(retryAfterSeconds('soon', now)).toBeUndefined();
    expect(retryAfterSeconds('-5', now)).toBeUndefined();
    expect(retryAfterSeconds(null, now)).toBeUndefined();
  });

  it('name a refused connection instead of printing a stack', () => {
    const error = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
    });
    expect(describeFailure(error)).toMatchObject({
      exitCode: 1,
      lines: ['A connection failed: the connection was refused'],
    });
    expect(describeFailure(new KubeApiError(422, 'Invalid', 'spec.version: Required')).lines[0]).toContain(
      'HTTP 422 Invalid',
    );
  });
});
