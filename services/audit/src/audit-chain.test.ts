import { newEvent } from '@quire/kit';
import { describe, expect, it } from 'vitest';
import { type AuditEntry, checkLink, entryContentOf, genesisHash, hashOf } from './audit-chain.js';

const chainOf = (n: number): AuditEntry[] => {
  const out: AuditEntry[] = [];
  for (let i = 1; i <= n; i++) {
    const content = entryContentOf(
      newEvent({
        type: 'document.created',
        source: 'document',
        subject: `d${i}`,
        data: { actor: 'ada', n: i },
      }),
    );
    const partial = {
      ...content,
      seq: i,
      recordedAt: new Date().toISOString(),
      prevHash: out.at(-1)?.hash ?? genesisHash,
    };
    out.push({ ...partial, hash: hashOf(partial) });
  }
  return out;
};

describe('the audit hash chain', () => {
  it('links each entry to the one before it', () => {
    const chain = chainOf(3);
    expect(chain.map((e, i) => checkLink(e, chain[i - 1]))).toEqual([undefined, undefined, undefined]);
  });

  it('breaks at an entry whose content changed, and at the one after an entry that was removed', () => {
    const chain = chainOf(3);
    const edited = { ...(chain[1] as AuditEntry), data: { actor: 'mallory', n: 2 } };
    expect(checkLink(edited, chain[0])).toBe('hash-mismatch');
    expect(checkLink(chain[2] as AuditEntry, chain[0])).toBe('missing-entry');
  });

  it('breaks at an entry rehashed after its edit, since the next one still names the old hash', () => {
    const chain = chainOf(3);
    const { hash: _old, ...rest } = { ...(chain[1] as AuditEntry), actor: 'mallory' };
    const rehashed = { ...rest, hash: hashOf(rest) };
    expect(checkLink(rehashed, chain[0])).toBeUndefined();
    expect(checkLink(chain[2] as AuditEntry, rehashed)).toBe('previous-hash-mismatch');
  });

  it('names the actor an event gives, the requester of an export, or the account of an Auth event', () => {
    const of = (source: string, subject: string, data: unknown) =>
      entryContentOf(newEvent({ type: 'x.y', source, subject, data })).actor;
    expect(of('document', 'd1', { actor: 'ada' })).toBe('ada');
    expect(of('document', 'e1', { requestedBy: 'bob' })).toBe('bob');
    expect(of('auth', 'acc-1', { sessionId: 's' })).toBe('acc-1');
    expect(of('auth', 'unknown', { email: 'x' })).toBeNull();
  });

  it('refuses an event without a time as unprocessable', () => {
    const e = { ...newEvent({ type: 'x', source: 's', subject: 'y', data: {} }), time: 'yesterday' };
    expect(() => entryContentOf(e)).toThrow('cannot be audited');
  });
});
