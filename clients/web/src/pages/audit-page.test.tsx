import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { AuditVerification } from '../api/api.ts';
import { renderWithApi } from '../testing/render-with-api.tsx';
import { AuditPage } from './audit-page.tsx';

const hash = (c: string) => c.repeat(64);

const verifyWith = async (result: AuditVerification) => {
  renderWithApi(<AuditPage />, {
    audit: { entries: async () => ({ items: [] }), verify: async () => result },
  });
  await userEvent.click(screen.getByRole('button', { name: 'Verify the chain' }));
  return (await screen.findByText(/The chain|Every link/)).closest('[role="status"]')?.textContent ?? '';
};

describe('the audit page', () => {
  it('when the chain verifies, it says how many entries were walked after which checkpoint, and shows the latest checkpoint to compare', async () => {
    const status = await verifyWith({
      valid: true,
      checked: 12,
      head: { seq: 2012, hash: hash('e') },
      mode: 'incremental',
      from: 2000,
      checkpoints: {
        checked: 2,
        failed: 0,
        latest: { seq: 2000, hash: hash('a'), at: '2026-11-26T10:00:00.000Z' },
      },
    });
    expect(status).toContain(
      'The chain is intact: 12 entries checked after checkpoint #2000, 2 checkpoints match.',
    );
    expect(status).toContain(`Latest checkpoint: entry #2000, hash ${hash('a')}`);
  });

  it('when a checkpoint no longer matches though every link holds, it names the checkpoint and why', async () => {
    const status = await verifyWith({
      valid: false,
      checked: 2012,
      head: { seq: 2012, hash: hash('e') },
      mode: 'incremental',
      from: 0,
      checkpoints: {
        checked: 2,
        failed: 2,
        latest: { seq: 2000, hash: hash('a'), at: '2026-11-26T10:00:00.000Z' },
        firstFailed: {
          seq: 1000,
          hash: hash('b'),
          at: '2026-11-26T09:00:00.000Z',
          reason: 'hash-mismatch',
          detail: 'Entry 1000 now hashes to something else',
        },
      },
    });
    expect(status).toContain('Every link holds: 2012 entries checked from the first.');
    expect(status).toContain(
      'Checkpoint #1000 no longer matches (hash-mismatch): Entry 1000 now hashes to something else. 2 of 2 checkpoints fail.',
    );
  });

  it('when a link is broken, it names the entry and the reason', async () => {
    const status = await verifyWith({
      valid: false,
      checked: 7,
      firstBroken: { seq: 7, eventId: 'e7', reason: 'hash-mismatch' },
      mode: 'incremental',
      from: 0,
      checkpoints: { checked: 0, failed: 0 },
    });
    expect(status).toContain(
      'The chain is broken at entry 7 (hash-mismatch); 7 entries checked from the first.',
    );
  });

  it('walks every entry from the first when asked to verify every entry', async () => {
    const asked: boolean[] = [];
    renderWithApi(<AuditPage />, {
      audit: {
        entries: async () => ({ items: [] }),
        verify: async (full?: boolean) => {
          asked.push(full ?? false);
          return {
            valid: true,
            checked: 2012,
            head: { seq: 2012, hash: hash('e') },
            mode: full ? 'full' : 'incremental',
            from: 0,
            checkpoints: { checked: 2, failed: 0 },
          };
        },
      },
    });
    await userEvent.click(screen.getByRole('button', { name: 'Verify every entry' }));
    expect(await screen.findByText(/The chain is intact: 2012 entries checked from the first/)).toBeTruthy();
    expect(asked).toEqual([true]);
  });
});
