import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redisTls } from './redis.js';

describe('a Redis URL', () => {
  it('when it is rediss:// with a ca file, it reads the CA and hides the parameter from ioredis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'quire-redis-ca-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), 'PEM');
      expect(redisTls(`rediss://:pw@cache:6380/2?ca=${dir}/ca.crt`)).toEqual({
        url: 'rediss://:pw@cache:6380/2',
        tls: { ca: 'PEM' },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when it is rediss:// without a CA, it checks against the system CAs; redis:// stays plain', () => {
    expect(redisTls('rediss-cluster://a:1,b:2').tls).toEqual({});
    expect(redisTls('redis://cache:6379').tls).toBeUndefined();
  });

  it('when it names a CA but is not rediss://, it fails saying to use rediss://', () => {
    expect(() => redisTls('redis://cache:6379?ca=/x')).toThrow(/use rediss:\/\//);
  });
});
