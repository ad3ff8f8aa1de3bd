import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ExportView } from '../api/api.ts';
import { me, renderWithApi } from '../testing/render-with-api.tsx';
import { ExportsPage } from './exports-page.tsx';

let made = 0;
const ready = (ownerId: string): ExportView => ({
  id: `00000000-0000-4000-8000-${String(++made).padStart(12, '0')}`,
  ownerId,
  requestedBy: ownerId,
  format: 'zip',
  status: 'completed',
  createdAt: '2026-02-01T10:00:00.000Z',
  downloadUrl: 'https://s3.example.com/exports/a.zip?X-Amz-Signature=abc',
});

describe('the exports page', () => {
  it('when the person who asked comes back to the page, it still shows their export and its link', async () => {
    renderWithApi(<ExportsPage />, { exports: { request: async () => ready(me) } });
    await userEvent.click(screen.getByRole('button', { name: 'Export all my documents' }));
    expect(await screen.findByRole('link', { name: 'Download export' })).toBeTruthy();
    cleanup();

    renderWithApi(<ExportsPage />, {});
    expect(screen.getByRole('link', { name: 'Download export' })).toBeTruthy();
  });

  it('when another person logs in in the same window, it shows them none of the previous one’s exports', async () => {
    renderWithApi(<ExportsPage />, { exports: { request: async () => ready(me) } });
    await userEvent.click(screen.getByRole('button', { name: 'Export all my documents' }));
    await screen.findAllByRole('link', { name: 'Download export' });
    cleanup();

    renderWithApi(<ExportsPage />, {}, '00000000-0000-4000-8000-000000000002');
    expect(screen.getByText('No exports yet')).toBeTruthy();
    expect(screen.queryByRole('link', { name: 'Download export' })).toBeNull();
  });
});
