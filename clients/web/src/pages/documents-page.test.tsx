import { act, fireEvent, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { DocumentView } from '../api/api.ts';
import { ApiError } from '../api/problem.ts';
import { me, renderWithApi } from '../testing/render-with-api.tsx';
import { DocumentsPage, undoWindowMs } from './documents-page.tsx';

const doc = (n: number, extra: Partial<DocumentView> = {}): DocumentView => ({
  id: `00000000-0000-4000-8000-0000000001${String(n).padStart(2, '0')}`,
  ownerId: me,
  title: `Report ${n}`,
  contentType: 'text/plain',
  size: 1200,
  sha256: 'a'.repeat(64),
  tags: ['q1'],
  version: 1,
  shares: [],
  createdAt: '2026-02-01T10:00:00.000Z',
  updatedAt: '2026-02-01T10:00:00.000Z',
  ...extra,
});

describe('the documents page', () => {
  it('lists the documents and pages through them with the cursor the service gave', async () => {
    const list = vi.fn(async (q: { cursor?: string }) =>
      q.cursor ? { items: [doc(3)] } : { items: [doc(1), doc(2)], nextCursor: 'c2' },
    );
    renderWithApi(<DocumentsPage />, { documents: { list } });
    const documents = await screen.findByRole('list', { name: 'Documents' });
    expect(within(documents).getAllByRole('listitem')).toHaveLength(2);
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    expect(await screen.findByText('Report 3')).toBeTruthy();
    expect(list).toHaveBeenLastCalledWith({ limit: 20, cursor: 'c2' });
    await userEvent.click(screen.getByRole('button', { name: 'Previous page' }));
    expect(await screen.findByText('Report 1')).toBeTruthy();
  });

  it('filters by tags and type', async () => {
    const list = vi.fn(async () => ({ items: [] }));
    renderWithApi(<DocumentsPage />, { documents: { list } });
    await screen.findByText('No documents yet');
    const filters = screen.getByRole('form', { name: 'Filter documents' });
    await userEvent.type(within(filters).getByLabelText('Tags'), 'q1, Finance');
    await userEvent.selectOptions(within(filters).getByLabelText('Type'), 'PDF');
    await userEvent.click(within(filters).getByRole('button', { name: 'Filter' }));
    expect(list).toHaveBeenLastCalledWith({ limit: 20, tags: 'q1,Finance', contentType: 'application/pdf' });
  });

  it('shows an error state with a retry when the list cannot be loaded', async () => {
    const list = vi
      .fn()
      .mockRejectedValueOnce(new Error('The service is unavailable'))
      .mockResolvedValue({ items: [doc(1)] });
    renderWithApi(<DocumentsPage />, { documents: { list } });
    expect((await screen.findByRole('alert')).textContent).toContain('The service is unavailable');
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('Report 1')).toBeTruthy();
  });

  it('uploads a dropped file with its title and tags, showing progress, and lists it first', async () => {
    let report: (f: number) => void = () => undefined;
    let finish: (d: DocumentView) => void = () => undefined;
    const upload = vi.fn((_file: File, _title: string, _tags: string[], onProgress?: (f: number) => void) => {
      report = onProgress ?? report;
      return new Promise<DocumentView>((resolve) => {
        finish = resolve;
      });
    });
    renderWithApi(<DocumentsPage />, { documents: { list: async () => ({ items: [doc(1)] }), upload } });
    await screen.findByText('Report 1');
    const file = new File(['hello'], 'notes.txt', { type: 'text/plain' });
    fireEvent.drop(screen.getByRole('region', { name: 'Drop a file here' }), {
      dataTransfer: { files: [file] },
    });
    expect(screen.getByLabelText('Title')).toHaveProperty('value', 'notes.txt');
    await userEvent.type(screen.getAllByLabelText('Tags')[0] as HTMLElement, 'draft, q2');
    await userEvent.click(screen.getByRole('button', { name: 'Upload' }));
    expect(upload).toHaveBeenCalledWith(file, 'notes.txt', ['draft', 'q2'], expect.any(Function));
    act(() => report(0.5));
    expect(screen.getByRole('progressbar', { name: 'Upload progress' })).toHaveProperty('value', 0.5);
    await act(async () => finish(doc(9, { title: 'notes.txt' })));
    const items = within(screen.getByRole('list', { name: 'Documents' })).getAllByRole('listitem');
    expect(items[0]?.textContent).toContain('notes.txt');
  });

  it('deletes at once, and Undo restores the document through the service', async () => {
    const remove = vi.fn(async () => undefined);
    const restore = vi.fn(async () => doc(1, { version: 2 }));
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1), doc(2)] }), remove, restore },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Report 1' }));
    expect(remove).toHaveBeenCalledWith(doc(1).id);
    expect(screen.queryByText('Report 1')).toBeNull();
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect(restore).toHaveBeenCalledWith(doc(1).id);
    expect(await screen.findByText('Report 1')).toBeTruthy();
    expect(screen.getByText(/version 2/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
  });

  it('when Undo comes too late for the service, it says so and the document stays gone', async () => {
    const restore = vi.fn(async () => {
      throw new ApiError(410, {
        detail:
          'The document was deleted and its content has since been removed: it is too late to restore it',
      });
    });
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1), doc(2)] }), remove: async () => undefined, restore },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Report 1' }));
    await userEvent.click(await screen.findByRole('button', { name: 'Undo' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '“Report 1” could not be brought back: The document was deleted and its content has since been removed: it is too late to restore it',
    );
    expect(screen.queryByText('Report 1')).toBeNull();
    expect(screen.getByText('Report 2')).toBeTruthy();
  });

  it('when the delete fails, the document comes back with the reason', async () => {
    const remove = vi.fn(async () => {
      throw new ApiError(403, { detail: 'Only the owner may delete this document' });
    });
    renderWithApi(<DocumentsPage />, { documents: { list: async () => ({ items: [doc(1)] }), remove } });
    await userEvent.click(await screen.findByRole('button', { name: 'Delete Report 1' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      '“Report 1” was not deleted: Only the owner may delete this document',
    );
    expect(screen.getByText('Report 1')).toBeTruthy();
  });

  it('offers Undo only for a while after the delete', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      renderWithApi(<DocumentsPage />, {
        documents: { list: async () => ({ items: [doc(1), doc(2)] }), remove: async () => undefined },
      });
      await screen.findByText('Report 1');
      fireEvent.click(screen.getByRole('button', { name: 'Delete Report 1' }));
      await screen.findByRole('button', { name: 'Undo' });
      await act(async () => vi.advanceTimersByTime(undoWindowMs));
      expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
      expect(screen.queryByText('Report 1')).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });

  it('offers owner actions only on the user’s own documents', async () => {
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1, { ownerId: 'someone-else', title: 'Theirs' })] }) },
    });
    await screen.findByText('Theirs');
    expect(screen.getByRole('button', { name: 'Download Theirs' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete Theirs' })).toBeNull();
  });

  it('shares a document with the user ID typed into the share form', async () => {
    const share = vi.fn(async () => doc(1, { shares: [{ userId: 'bob', permission: 'read' as const }] }));
    const findByEmail = vi.fn();
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1)] }), share },
      profile: { findByEmail },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Share Report 1' }));
    await userEvent.type(screen.getByLabelText('Email or user ID to share with (read access)'), 'bob');
    await userEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(share).toHaveBeenCalledWith(doc(1).id, 'bob', 'read');
    expect(findByEmail).not.toHaveBeenCalled();
    expect(await screen.findByText('Shared with bob')).toBeTruthy();
  });

  it('shares with the person an email belongs to, as the User service finds them', async () => {
    const bob = '00000000-0000-4000-8000-000000000002';
    const findByEmail = vi.fn(async () => ({ id: bob, displayName: 'Bob' }));
    const share = vi.fn(async () => doc(1, { shares: [{ userId: bob, permission: 'read' as const }] }));
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1)] }), share },
      profile: { findByEmail },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Share Report 1' }));
    await userEvent.type(
      screen.getByLabelText('Email or user ID to share with (read access)'),
      ' bob@example.com ',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Share' }));
    expect(findByEmail).toHaveBeenCalledWith('bob@example.com');
    expect(share).toHaveBeenCalledWith(doc(1).id, bob, 'read');
    expect(await screen.findByText('Shared with Bob (bob@example.com)')).toBeTruthy();
  });

  it('when nobody with the email has saved a profile, the form says so and how to share anyway', async () => {
    const findByEmail = vi.fn(async () => {
      throw new ApiError(404, { detail: 'No user has this email' });
    });
    const share = vi.fn();
    renderWithApi(<DocumentsPage />, {
      documents: { list: async () => ({ items: [doc(1)] }), share },
      profile: { findByEmail },
    });
    await userEvent.click(await screen.findByRole('button', { name: 'Share Report 1' }));
    const field = screen.getByLabelText('Email or user ID to share with (read access)');
    await userEvent.type(field, 'nobody@example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Share' }));
    const error = await screen.findByRole('alert');
    expect(error.textContent).toBe(
      'No user has the email nobody@example.com. They may need to save their profile first, or share with their user ID instead.',
    );
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(error.id);
    expect(share).not.toHaveBeenCalled();
  });
});
