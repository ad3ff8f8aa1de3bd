import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configDir,
  credentialsPath,
  loadCredentials,
  removeCredentials,
  saveCredentials,
} from './credentials.js';

const session = {
  server: 'https://quire.example.com',
  email: 'ada@example.com',
  accountId: '3f0c5f6e-8d2e-4c57-9a55-5a6c4a1b2c3d',
  accessToken: 'a',
  refreshToken: 'r',
  expiresAt: '2026-01-01T00:00:00Z',
};

describe('the stored session', () => {
  let home: string;
  const saved = process.env.XDG_CONFIG_HOME;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'quire-credentials-'));
    process.env.XDG_CONFIG_HOME = home;
  });
  afterEach(() => {
    process.env.XDG_CONFIG_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('lives in $XDG_CONFIG_HOME/quire, else ~/.config/quire', () => {
    expect(credentialsPath()).toBe(join(home, 'quire', 'credentials.json'));
    expect(configDir({ HOME: '/home/ada' })).toMatch(/\.config[/\\]quire$/);
  });

  it('is written readable by the user alone, even into a folder that was created too open', () => {
    rmSync(home, { recursive: true });
    saveCredentials(session);
    expect(statSync(credentialsPath()).mode & 0o777).toBe(0o600);
    expect(statSync(configDir()).mode & 0o777).toBe(0o700);
    expect(loadCredentials()).toEqual(session);
  });

  it('is absent before login and after removal, and a damaged file says to log in again', () => {
    expect(loadCredentials()).toBeUndefined();
    saveCredentials(session);
    expect(removeCredentials()).toBe(true);
    expect(removeCredentials()).toBe(false);
    saveCredentials(session);
    writeFileSync(credentialsPath(), '{not json');
    expect(() => loadCredentials()).toThrow(/not valid JSON/);
  });
});
