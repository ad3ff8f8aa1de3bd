import { describe, expect, it } from 'vitest';
import { postgresUrlSettings } from './postgres.js';
import { postgresTlsError, sslAttempts } from './postgres-tls.js';

const names = { sslMode: 'spec.postgres.sslMode', ca: 'spec.postgres.ca', host: 'spec.postgres.host' };

describe('libpq sslmode as node-postgres attempts', () => {
  it('when the mode is allow or prefer, it makes a second attempt of the other kind, in libpq order', () => {
    expect(sslAttempts('allow').map((a) => a !== false)).toEqual([false, true]);
    expect(sslAttempts('prefer').map((a) => a !== false)).toEqual([true, false]);
  });

  it('when the mode is require without a CA, it encrypts without checking the certificate', () => {
    expect(sslAttempts('require')).toEqual([{ rejectUnauthorized: false }]);
  });

  it('when the mode is require with a CA, it checks the chain but not the host name, as libpq does', () => {
    const [attempt] = sslAttempts('require', { ca: 'PEM' });
    if (!attempt) throw new Error('require with a CA must encrypt');
    expect(attempt.ca).toBe('PEM');
    expect(attempt.rejectUnauthorized).toBeUndefined();
    expect(attempt.checkServerIdentity?.('127.0.0.1', {} as never) ?? 'not checked').toBe('not checked');
    expect(attempt.checkServerIdentity).toBeTypeOf('function');
  });

  it('when the mode is verify-full, it keeps Node.js host name checking', () => {
    expect(sslAttempts('verify-full', { ca: 'PEM' })).toEqual([{ ca: 'PEM' }]);
  });
});

describe('a database URL', () => {
  it('loses its TLS parameters before node-postgres sees them, which would override the pool', () => {
    const settings = postgresUrlSettings('postgres://u:p@db:5432/quire?sslmode=require&application_name=x');
    expect(settings.url).toBe('postgres://u:p@db:5432/quire?application_name=x');
    expect(settings.sslMode).toBe('require');
  });

  it('when it has no sslmode, it connects over plain TCP as node-postgres did', () => {
    expect(postgresUrlSettings('postgres://u:p@db/quire').attempts).toEqual([false]);
  });

  it('when sslmode is unknown or sslrootcert cannot be read, it fails naming the parameter', () => {
    expect(() => postgresUrlSettings('postgres://db/q?sslmode=no-verify')).toThrow(
      /sslmode=no-verify .* not one of/,
    );
    expect(() =>
      postgresUrlSettings('postgres://db/q?sslmode=verify-ca&sslrootcert=/nonexistent/ca.crt'),
    ).toThrow(/sslrootcert=\/nonexistent\/ca\.crt .* cannot be read/);
  });
});

describe('a TLS failure', () => {
  it('when the host name does not match, it names verify-full and the host setting', () => {
    const error = Object.assign(new Error("Hostname/IP does not match certificate's altnames"), {
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    });
    expect(
      postgresTlsError(error, { mode: 'verify-full', address: 'db:5432/quire', caGiven: true, names })
        ?.message,
    ).toMatch(/sslmode=verify-full.*set spec\.postgres\.host .* or set spec\.postgres\.sslMode to verify-ca/);
  });

  it('when the server has no TLS, it says to turn TLS on or relax the mode', () => {
    const error = new Error('The server does not support SSL connections');
    expect(
      postgresTlsError(error, { mode: 'require', address: 'db', caGiven: false, names })?.message,
    ).toMatch(/sslmode=require.*set spec\.postgres\.sslMode to prefer or disable/);
  });

  it('when the failure is not about TLS, it leaves it alone', () => {
    const error = Object.assign(new Error('password authentication failed'), { code: '28P01' });
    expect(
      postgresTlsError(error, { mode: 'require', address: 'db', caGiven: false, names }),
    ).toBeUndefined();
  });
});
