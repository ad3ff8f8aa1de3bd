import { describe, expect, it } from 'vitest';
import { createCa } from './ca.js';
import { advanceCa, type CaPolicy, caRenewalTime } from './ca-rotation.js';

const t0 = new Date('2026-03-01T12:00:00Z');
const minute = 60_000;
const policy: CaPolicy = { commonName: 'Quire test CA', overlapMs: 10 * minute };
const at = (ms: number) => new Date(t0.getTime() + ms);
const subjects = (certs: { subject: string }[]) => certs.map((c) => c.subject);

describe('the CA life cycle', () => {
  it('creates a root CA whose bundle holds just its root', async () => {
    const step = await advanceCa(undefined, { now: t0, policy });
    expect(step.changes.map((c) => c.reason)).toEqual(['CaCreated']);
    expect(step.state.bundle).toEqual([step.state.active.cert]);
    expect(step.nextCheckAt).toEqual(caRenewalTime(step.state.active));
  });

  it('does nothing while the CA is young and no one asks', async () => {
    const { state } = await advanceCa(undefined, { now: t0, policy });
    const step = await advanceCa(state, { now: at(minute), policy });
    expect(step.changes).toEqual([]);
    expect(step.state.active).toBe(state.active);
  });

  it('rotates on request in three steps: publish, sign after the overlap, retire after another', async () => {
    const created = (await advanceCa(undefined, { now: t0, policy })).state;
    const old = created.active;

    const published = await advanceCa(created, { now: at(minute), policy, rotationToken: 'r1' });
    expect(published.changes.map((c) => c.reason)).toEqual(['CaRotationStarted']);
    expect(published.state.active).toBe(old);
    expect(subjects(published.state.bundle)).toHaveLength(2);
    expect(published.nextCheckAt).toEqual(at(11 * minute));

    const waiting = await advanceCa(published.state, { now: at(5 * minute), policy, rotationToken: 'r1' });
    expect(waiting.changes).toEqual([]);
    expect(waiting.state.active).toBe(old);

    const rotated = await advanceCa(waiting.state, { now: at(11 * minute), policy, rotationToken: 'r1' });
    expect(rotated.changes.map((c) => c.reason)).toEqual(['CaRotated']);
    expect(rotated.state.active).toBe(published.state.next);
    expect(rotated.state.bundle).toHaveLength(2);
    expect(rotated.nextCheckAt).toEqual(at(21 * minute));

    const retired = await advanceCa(rotated.state, { now: at(21 * minute), policy, rotationToken: 'r1' });
    expect(retired.changes.map((c) => c.reason)).toEqual(['TrustBundlePruned']);
    expect(retired.state.bundle).toEqual([rotated.state.active.cert]);
    expect(retired.state.retireAfter).toBeUndefined();
  });

  it('starts a rotation by itself two thirds into the CA life', async () => {
    const short = { ...policy, lifetimeMs: 90 * minute };
    const { state } = await advanceCa(undefined, { now: t0, policy: short });
    const renewal = caRenewalTime(state.active);
    expect(
      (await advanceCa(state, { now: new Date(renewal.getTime() - 1000), policy: short })).changes,
    ).toEqual([]);
    const step = await advanceCa(state, { now: renewal, policy: short });
    expect(step.changes.map((c) => c.reason)).toEqual(['CaRotationStarted']);
  });

  it('moves under a user CA with the same overlap when one is named, and away when it is removed', async () => {
    const user = await createCa({ commonName: 'User root', now: t0, pathLength: 1 });
    const { state } = await advanceCa(undefined, { now: t0, policy });
    const published = await advanceCa(state, { now: at(minute), policy, parent: user });
    expect(published.state.next?.root).toBe(user.cert);
    expect(subjects(published.state.bundle)).toEqual(['CN=Quire test CA', 'CN=User root']);
    const rotated = await advanceCa(published.state, { now: at(11 * minute), policy, parent: user });
    expect(rotated.state.active.chain.map((c) => c.subject)).toEqual(['CN=Quire test CA']);
    const back = await advanceCa(rotated.state, { now: at(12 * minute), policy });
    expect(back.changes.map((c) => c.reason)).toEqual(['CaRotationStarted']);
    expect(back.state.next?.chain).toEqual([]);
  });
});
