import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { SearchPage as Results } from '../api/api.ts';
import { renderWithApi } from '../testing/render-with-api.tsx';
import { SearchPage } from './search-page.tsx';

const hit = (id: string, title: string, highlights?: Record<string, string[]>): Results['items'][number] => ({
  id,
  title,
  tags: ['q1'],
  ownerId: 'me',
  contentType: 'text/plain',
  size: 10,
  createdAt: '2026-02-01T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
  highlights: highlights ?? {},
});

describe('the search page', () => {
  it('searches once the typing pauses, not on every keystroke', async () => {
    const search = vi.fn(async () => ({ items: [hit('1', 'Budget')] }));
    renderWithApi(<SearchPage />, { search });
    await userEvent.type(screen.getByLabelText('Search documents'), 'budget');
    expect(await screen.findByText('Budget')).toBeTruthy();
    expect(search).toHaveBeenCalledTimes(1);
    expect(search).toHaveBeenCalledWith({ q: 'budget', limit: 10 });
  });

  it('searches again at once when Enter is pressed, even for the same words', async () => {
    const search = vi
      .fn<() => Promise<Results>>()
      .mockResolvedValueOnce({ items: [] })
      .mockResolvedValue({ items: [hit('1', 'Fresh upload')] });
    renderWithApi(<SearchPage />, { search });
    const box = screen.getByLabelText('Search documents');
    await userEvent.type(box, 'fresh');
    expect(await screen.findByText('Nothing matches')).toBeTruthy();
    await userEvent.type(box, '{Enter}');
    expect(await screen.findByText('Fresh upload')).toBeTruthy();
    expect(search).toHaveBeenCalledTimes(2);
  });

  it('marks the matching words, as text rather than HTML', async () => {
    const search = vi.fn(async () => ({
      items: [hit('1', 'Budget <b>2026</b>', { title: ['<mark>Budget</mark> <b>2026</b>'] })],
    }));
    renderWithApi(<SearchPage />, { search });
    await userEvent.type(screen.getByLabelText('Search documents'), 'budget');
    const results = await screen.findByRole('list', { name: 'Search results' });
    expect(within(results).getByText('Budget').tagName).toBe('MARK');
    expect(results.querySelector('b')).toBeNull();
  });

  it('loads more results with the next cursor and keeps the first ones', async () => {
    const search = vi.fn(async (q: { cursor?: string }) =>
      q.cursor ? { items: [hit('2', 'Second')] } : { items: [hit('1', 'First')], nextCursor: 'n1' },
    );
    renderWithApi(<SearchPage />, { search });
    await userEvent.type(screen.getByLabelText('Search documents'), 'report');
    await userEvent.click(await screen.findByRole('button', { name: 'Load more' }));
    expect(await screen.findByText('Second')).toBeTruthy();
    expect(screen.getByText('First')).toBeTruthy();
    expect(search).toHaveBeenLastCalledWith({ q: 'report', limit: 10, cursor: 'n1' });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('says so when nothing matches', async () => {
    renderWithApi(<SearchPage />, { search: async () => ({ items: [] }) });
    await userEvent.type(screen.getByLabelText('Search documents'), 'zebra');
    expect(await screen.findByText('Nothing matches')).toBeTruthy();
  });
});
