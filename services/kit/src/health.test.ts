import { describe, expect, it } from 'vitest';
import { Readiness } from './health.js';

const up = async () => undefined;
const down = (why: string) => async () => {
  throw new Error(why);
};

describe('readiness', () => {
  it('when a gating dependency fails, it is not ready and names the failure', async () => {
    const readiness = new Readiness(200).add('postgres', down('connect ECONNREFUSED')).add('s3', up);
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      checks: { postgres: 'failed: connect ECONNREFUSED', s3: 'ok' },
    });
  });

  it('when a check that does not gate fails, it stays ready and reports the dependency as degraded', async () => {
    const readiness = new Readiness(200)
      .add('postgres', up)
      .add('kafka consumer', down('not connected to 127.0.0.1:19092'), { gating: false });
    expect(await readiness.evaluate()).toEqual({
      ready: true,
      checks: { postgres: 'ok', 'kafka consumer': 'degraded: not connected to 127.0.0.1:19092' },
    });
  });

  it('when a check that does not gate passes, it reports it ok like any other', async () => {
    const readiness = new Readiness(200).add('kafka consumer', up, { gating: false });
    expect(await readiness.evaluate()).toEqual({ ready: true, checks: { 'kafka consumer': 'ok' } });
  });

  it('when a check that does not gate hangs, it is reported degraded after the timeout without blocking readiness', async () => {
    const readiness = new Readiness(50).add('kafka consumer', () => new Promise(() => undefined), {
      gating: false,
    });
    expect(await readiness.evaluate()).toEqual({
      ready: true,
      checks: { 'kafka consumer': 'degraded: no answer in 50 ms' },
    });
  });

  it('while draining, it is not ready even when every check passes', async () => {
    const readiness = new Readiness(200).add('kafka consumer', up, { gating: false });
    readiness.drain();
    expect(await readiness.evaluate()).toEqual({
      ready: false,
      checks: { 'kafka consumer': 'ok', shutdown: 'draining' },
    });
  });
});
