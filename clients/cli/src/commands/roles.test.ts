import { describe, expect, it } from 'vitest';
import { UsageError } from '../errors.js';
import { changedRoles } from './roles.js';

describe('the roles an account has after --grant and --revoke', () => {
  it('adds granted roles once and keeps the others in their order', () => {
    expect(changedRoles(['user'], ['admin', 'admin'], [])).toEqual(['user', 'admin']);
  });

  it('takes revoked roles away, and revoking one the account lacks changes nothing', () => {
    expect(changedRoles(['user', 'admin'], [], ['admin', 'auditor'])).toEqual(['user']);
  });

  it('refuses a role named in both, as a usage error saying which', () => {
    expect(() => changedRoles(['user'], ['admin'], ['admin'])).toThrow(UsageError);
    expect(() => changedRoles(['user'], ['admin'], ['admin'])).toThrow(/both name admin/);
  });
});
