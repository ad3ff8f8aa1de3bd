// The account half of the CLI, run as a subprocess against the services started in-process behind a
// stand-in gateway: signing up and logging in, a wrong password, renewing an expired session, refusing
// plain http to another host, and logging out.
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useCliUser } from './fixtures/cli-user.js';
import { quire } from './fixtures/run-cli.js';

// Starts logged out: the first test is the sign-up itself.
const user = useCliUser({ signUp: false });
const { email, password } = user;
const as = () => user.as();

describe('a platform user logging in and out with the quire CLI', () => {
  it('signs up and logs in, and the session is stored readable by the user alone (file 0600, folder 0700)', async () => {
    const result = await quire(['login', '--sign-up', '--email', email, '--password-stdin'], {
      ...as(),
      input: `${password}\n`,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`as ${email}`);
    expect(statSync(user.credentialsFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(user.home, 'quire')).mode & 0o777).toBe(0o700);
    expect(user.credentials()).toMatchObject({
      server: user.services.url,
      email,
      accessToken: expect.any(String),
      refreshToken: expect.any(String),
    });

    const again = await quire(['login', '-e', email, '--password-stdin'], { ...as(), input: password });
    expect(again.code, again.stderr).toBe(0);
  });

  it('is told the email or password is wrong, with exit code 1, when the password is wrong', async () => {
    const result = await quire(['login', '-e', email, '--password-stdin'], {
      ...user.in(user.otherHome()),
      input: 'not the password',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The email or password is wrong');
  });

  it('renews an expired access token with the refresh token, without asking to log in again', async () => {
    const saved = user.credentials();
    writeFileSync(
      user.credentialsFile(),
      JSON.stringify({ ...saved, accessToken: 'expired', expiresAt: '2000-01-01T00:00:00Z' }),
      { mode: 0o600 },
    );
    const result = await quire(['docs', 'list'], as());
    expect(result.code, result.stderr).toBe(0);
    expect(user.credentials().refreshToken).not.toBe(saved.refreshToken);
    expect(statSync(user.credentialsFile()).mode & 0o777).toBe(0o600);
  });

  it('refuses plain http to a host other than loopback with exit code 2', async () => {
    const result = await quire(['docs', 'list', '--server', 'http://quire.example.com'], as());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Use https://quire.example.com');
  });

  it('logs out: the session ends on the server, the file is removed, and reads then say to log in', async () => {
    const saved = user.credentials();
    const result = await quire(['logout'], as());
    expect(result.code, result.stderr).toBe(0);
    expect(() => statSync(user.credentialsFile())).toThrow();
    const refresh = await fetch(`${user.services.url}/v1/auth/refresh`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: saved.refreshToken }),
    });
    expect(refresh.status).toBe(401);
    const list = await quire(['docs', 'list'], as());
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('quire login');
  });
});
