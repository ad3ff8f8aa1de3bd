import { act, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { Api, DeletedDocumentView, DocumentView } from '../api/api.ts';
import { ApiError } from '../api/problem.ts';
import { SessionStore } from '../api/session.ts';
import { App } from '../app.tsx';
import { me, renderWithApi } from '../testing/render-with-api.tsx';
import { timeLeft } from './trash/time-left.ts';
import { TrashPage, trashClockMs } from './trash-page.tsx';

const hour = 3_600_000;

const deleted = (n: number, extra: Partial<DeletedDocumentView> = {}): DeletedDocumentView => ({
  id: `00000000-0000-4000-8000-0000000002${String(n).padStart(2, '0')}`,
  ownerId: me,
  title: `Draft ${n}`,
  contentType: 'text/plain',
  size: 1200,
  sha256: 'a'.repeat(64),
  tags: [],
  version: 2,
  shares: [],
  createdAt: '2026-02-01T10:00:00.000Z',
  updatedAt: new Date(Date.now() - hour).toISOString(),
  deletedAt: new Date(Date.now() - hour).toISOString(),
  restorableUntil: new Date(Date.now() + 23 * hour + 30_000).toISOString(),
  ...extra,
});

const rows = () => within(screen.getByRole('list', { name: 'Deleted documents' })).getAllByRole('listitem');

/** A Document service in memory: a restore takes the document out of the trash and back into the list. */
function documentsOf(trash: DeletedDocumentView[]) {
  const live: DocumentView[] = [];
  return {
    list: async () => ({ items: [...live] }),
    listDeleted: async () => ({ items: [...trash] }),
    restore: vi.fn(async (id: string) => {
      const at = trash.findIndex((d) => d.id === id);
      const [{ deletedAt: _d, restorableUntil: _r, ...doc }] = trash.splice(at, 1) as [DeletedDocumentView];
      const back = { ...doc, version: doc.version + 1 };
      live.push(back);
      return back;
    }),
  };
}

describe('the trash page', () => {
  it('lists the deleted documents with the time left to restore each, and loads more with the cursor it gave', async () => {
    const listDeleted = vi.fn(async (q: { cursor?: string }) =>
      q.cursor ? { items: [deleted(3)] } : { items: [deleted(1), deleted(2)], nextCursor: 'c2' },
    );
    renderWithApi(<TrashPage />, { documents: { listDeleted } });
    await screen.findByRole('list', { name: 'Deleted documents' });
    expect(listDeleted).toHaveBeenCalledWith({ limit: 20 });
    expect(rows()).toHaveLength(2);
    expect(rows()[0]?.textContent).toContain('Draft 1');
    expect(rows()[0]?.textContent).toContain('23 hours left');
    expect(screen.getByRole('button', { name: 'Restore Draft 2' })).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await vi.waitFor(() => expect(rows()).toHaveLength(3));
    expect(listDeleted).toHaveBeenLastCalledWith({ limit: 20, cursor: 'c2' });
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
  });

  it('when nothing is deleted, it says the trash is empty, with the focus on the heading', async () => {
    renderWithApi(<TrashPage />, { documents: { listDeleted: async () => ({ items: [] }) } });
    expect(await screen.findByText('The trash is empty')).toBeTruthy();
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 1, name: 'Trash' }));
    expect(document.title).toBe('Trash · Quire');
  });

  it('shows an error state with a retry when the trash cannot be loaded', async () => {
    const listDeleted = vi
      .fn()
      .mockRejectedValueOnce(new Error('The service is unavailable'))
      .mockResolvedValue({ items: [deleted(1)] });
    renderWithApi(<TrashPage />, { documents: { listDeleted } });
    expect((await screen.findByRole('alert')).textContent).toContain('The service is unavailable');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Draft 1')).toBeTruthy();
  });

  it('when a document is restored, its row goes and the document is back in Documents', async () => {
    window.location.hash = '#/trash';
    const documents = documentsOf([deleted(1), deleted(2)]);
    const session = new SessionStore();
    session.set(
      { accountId: me, accessToken: 'h.e30.s', tokenType: 'Bearer', expiresIn: 900 },
      'me@example.com',
    );
    const notifications = { list: async () => ({ items: [] }) };
    render(<App api={{ documents, notifications } as unknown as Api} session={session} />);
    await screen.findByRole('list', { name: 'Deleted documents' });
    expect(screen.getByRole('link', { name: 'Trash' }).getAttribute('aria-current')).toBe('page');

    await userEvent.click(screen.getByRole('button', { name: 'Restore Draft 1' }));
    expect(documents.restore).toHaveBeenCalledWith(deleted(1).id);
    await vi.waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.getByRole('status').textContent).toContain('“Draft 1” is back in your documents.');

    await userEvent.click(screen.getByRole('link', { name: 'Open Documents' }));
    const list = await screen.findByRole('list', { name: 'Documents' });
    expect(
      within(list)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual([expect.stringContaining('Draft 1')]);
    window.location.hash = '';
  });

  it('when it is too late to restore, it says why and the document leaves the trash', async () => {
    const restore = vi.fn(async () => {
      throw new ApiError(410, {
        title: 'Gone',
        detail:
          'The document was deleted and its content has since been removed: it is too late to restore it',
      });
    });
    renderWithApi(<TrashPage />, {
      documents: { listDeleted: async () => ({ items: [deleted(1), deleted(2)] }), restore },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Draft 1' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '“Draft 1” could not be restored: The document was deleted and its content has since been removed: it is too late to restore it',
    );
    expect(rows().map((li) => li.textContent)).toEqual([expect.stringContaining('Draft 2')]);
  });

  it('when a restore fails for another reason, the document stays listed to try again', async () => {
    const restore = vi.fn(async () => {
      throw new Error('The service is unavailable');
    });
    renderWithApi(<TrashPage />, {
      documents: { listDeleted: async () => ({ items: [deleted(1)] }), restore },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Restore Draft 1' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The service is unavailable');
    expect(rows()).toHaveLength(1);
  });

  it('when the time to restore a document runs out while the page is open, it leaves the list', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const soon = deleted(1, { restorableUntil: new Date(Date.now() + 10_000).toISOString() });
      renderWithApi(<TrashPage />, {
        documents: { listDeleted: async () => ({ items: [soon, deleted(2)] }) },
      });
      await screen.findByText('Less than a minute left');
      await act(async () => vi.advanceTimersByTime(trashClockMs));
      await vi.waitFor(() => expect(rows()).toHaveLength(1));
      expect(screen.queryByText('Draft 1')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

const at = Date.parse('2026-02-01T10:00:00.000Z');
const after = (ms: number) => new Date(at + ms).toISOString();

describe('the time left to restore a document', () => {
  it('counts down in the largest unit that fits, rounded down so it never promises too much', () => {
    expect(timeLeft(after(3 * 86_400_000 + 5_000), at)).toBe('3 days left');
    expect(timeLeft(after(47 * 3_600_000 + 59 * 60_000), at)).toBe('47 hours left');
    expect(timeLeft(after(3_600_000), at)).toBe('1 hour left');
    expect(timeLeft(after(59 * 60_000 + 59_000), at)).toBe('59 minutes left');
    expect(timeLeft(after(60_000), at)).toBe('1 minute left');
  });

  it('when less than a minute is left, or none, it says less than a minute', () => {
    expect(timeLeft(after(59_000), at)).toBe('Less than a minute left');
    expect(timeLeft(after(-1_000), at)).toBe('Less than a minute left');
  });
});
