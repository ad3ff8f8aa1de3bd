import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { ExportView } from '../api/api.ts';
import { me, renderWithApi } from '../testing/render-with-api.tsx';
import { ExportsPage, exportPollMs } from './exports-page.tsx';

const anExport = (n: number, extra: Partial<ExportView> = {}): ExportView => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  ownerId: me,
  requestedBy: me,
  format: 'zip',
  status: 'completed',
  createdAt: `2026-02-0${n}T10:00:00.000Z`,
  downloadUrl: `https://s3.example.com/exports/${n}.zip?X-Amz-Signature=abc`,
  ...extra,
});

const rows = () => within(screen.getByRole('list', { name: 'Exports' })).getAllByRole('listitem');

describe('the exports page', () => {
  it('lists the person’s exports from the service, and loads more with the cursor it gave', async () => {
    const list = vi.fn(async (q: { cursor?: string }) =>
      q.cursor ? { items: [anExport(1)] } : { items: [anExport(3), anExport(2)], nextCursor: 'c2' },
    );
    renderWithApi(<ExportsPage />, { exports: { list } });
    await screen.findByRole('list', { name: 'Exports' });
    expect(rows()).toHaveLength(2);
    expect(list).toHaveBeenCalledWith({ limit: 20 });
    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(rows()).toHaveLength(3));
    expect(list).toHaveBeenLastCalledWith({ limit: 20, cursor: 'c2' });
    expect(screen.getAllByRole('link', { name: 'Download export' })[2]?.getAttribute('href')).toContain(
      '/1.zip',
    );
    // The last page has no cursor: nothing more to load.
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('when there are none, it says so', async () => {
    renderWithApi(<ExportsPage />, { exports: { list: async () => ({ items: [] }) } });
    expect(await screen.findByText('No exports yet')).toBeTruthy();
  });

  it('shows an error state with a retry when the list cannot be loaded', async () => {
    const list = vi
      .fn()
      .mockRejectedValueOnce(new Error('The service is unavailable'))
      .mockResolvedValue({ items: [anExport(1)] });
    renderWithApi(<ExportsPage />, { exports: { list } });
    expect((await screen.findByRole('alert')).textContent).toContain('The service is unavailable');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('link', { name: 'Download export' })).toBeTruthy();
  });

  it('checks on a listed export still being prepared until it is ready, then offers its download', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const preparing = anExport(2, { status: 'requested', downloadUrl: undefined });
      const get = vi.fn(async () => anExport(2));
      renderWithApi(<ExportsPage />, {
        exports: { list: async () => ({ items: [preparing, anExport(1)] }), get },
      });
      await screen.findByText('Being prepared…');
      expect(screen.getAllByRole('link', { name: 'Download export' })).toHaveLength(1);
      // The poll starts in an effect after that render: advance until it has run at least once.
      await vi.waitFor(async () => {
        await act(async () => vi.advanceTimersByTime(exportPollMs));
        expect(get).toHaveBeenCalledWith(preparing.id);
      });
      await vi.waitFor(() =>
        expect(screen.getAllByRole('link', { name: 'Download export' })).toHaveLength(2),
      );
      expect(screen.queryByText('Being prepared…')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('puts a requested export first, with its progress', async () => {
    const request = vi.fn(async () => anExport(4, { status: 'requested', downloadUrl: undefined }));
    renderWithApi(<ExportsPage />, { exports: { list: async () => ({ items: [anExport(1)] }), request } });
    await screen.findByRole('list', { name: 'Exports' });
    await userEvent.click(screen.getByRole('button', { name: 'Export all my documents' }));
    await vi.waitFor(() => expect(rows()).toHaveLength(2));
    expect(rows()[0]?.textContent).toContain('Being prepared…');
    expect(
      within(rows()[0] as HTMLElement).getByRole('progressbar', { name: 'Export progress' }),
    ).toBeTruthy();
  });
});
