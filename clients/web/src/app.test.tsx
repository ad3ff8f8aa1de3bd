import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Api, NotificationPage } from './api/api.ts';
import { SessionStore } from './api/session.ts';
import { App } from './app.tsx';

afterEach(cleanup);

type Item = NotificationPage['items'][number];
const shared = (): Item => ({
  id: '00000000-0000-4000-8000-000000000101',
  kind: 'document.shared',
  title: '"notes.txt" was shared with you',
  body: 'Ada shared it with read access',
  data: {},
  createdAt: '2026-02-01T10:00:00.000Z',
});

/** A Notification service in memory: what it lists depends on what was marked read. */
function notificationsOf(items: Item[]) {
  return {
    list: async (unread?: boolean) => ({
      items: items.filter((n) => !unread || !n.readAt).map((n) => ({ ...n })),
    }),
    markRead: async (id: string) => {
      for (const n of items) if (n.id === id) n.readAt = '2026-02-01T10:05:00.000Z';
    },
  };
}

function renderApp(notifications: Partial<Api['notifications']>) {
  const session = new SessionStore();
  session.set(
    { accountId: 'me', accessToken: 'h.e30.s', tokenType: 'Bearer', expiresIn: 900 },
    'me@example.com',
  );
  // The pages these tests open call only the notifications and the (empty) list of exports; any
  // other call fails loudly.
  const exports = { list: async () => ({ items: [] }) };
  return render(<App api={{ notifications, exports } as unknown as Api} session={session} />);
}

/** The session an API resumes from Auth's refresh cookie, as `createApi` does on a 200. */
const resumedBy = (session: SessionStore, answer: Promise<boolean>) => async () => {
  const on = await answer;
  if (on) {
    session.set({ accountId: 'me', accessToken: 'h.e30.s', tokenType: 'Bearer', expiresIn: 900 });
  }
  return on;
};

const badge = () => screen.queryByRole('status', { name: /unread/ });

describe('the unread count in the navigation bar', () => {
  it('when the notifications page has marked what it shows as read, the count goes at once', async () => {
    window.location.hash = '#/notifications';
    renderApp(notificationsOf([shared()]));
    expect(await screen.findByText('"notes.txt" was shared with you')).toBeTruthy();
    // The page shows them as new this once, and the bar no longer counts them.
    expect(screen.getByText('New')).toBeTruthy();
    await act(async () => undefined);
    expect(badge()).toBeNull();
  });

  it('when an older count answers after a newer one, the newer one stays shown', async () => {
    window.location.hash = '#/notifications';
    const store = notificationsOf([shared()]);
    // The count taken as the page opened answers last, with the unread item it saw then.
    let answerFirstCount: (page: NotificationPage) => void = () => undefined;
    let counts = 0;
    renderApp({
      ...store,
      list: (unread?: boolean) => {
        if (unread && ++counts === 1) {
          return new Promise<NotificationPage>((resolve) => {
            answerFirstCount = resolve;
          });
        }
        return store.list(unread);
      },
    });
    await screen.findByText('"notes.txt" was shared with you');
    await act(async () => undefined);
    expect(counts).toBe(2);
    await act(async () => answerFirstCount({ items: [shared()] }));
    expect(badge()).toBeNull();
  });

  it('shows how many are unread on the other pages', async () => {
    window.location.hash = '#/exports';
    renderApp(notificationsOf([shared()]));
    expect((await screen.findByRole('status', { name: '1 unread' })).textContent).toBe('1');
  });
});

describe('starting the app after a reload', () => {
  it('when the start-up refresh restores the session, it shows the loading state, then the app', async () => {
    window.location.hash = '#/exports';
    const session = new SessionStore();
    let answer: (on: boolean) => void = () => undefined;
    const resumeSession = vi.fn(
      resumedBy(
        session,
        new Promise<boolean>((resolve) => {
          answer = resolve;
        }),
      ),
    );
    const api = {
      resumeSession,
      notifications: notificationsOf([]),
      exports: { list: async () => ({ items: [] }) },
    };
    render(<App api={api as unknown as Api} session={session} />);
    expect(screen.getByRole('status').textContent).toContain('Signing you in');
    expect(screen.queryByRole('heading', { name: 'Log in' })).toBeNull();
    await act(async () => answer(true));
    expect(await screen.findByRole('heading', { level: 1, name: 'Exports' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Log out' })).toBeTruthy();
    expect(resumeSession).toHaveBeenCalledTimes(1);
  });

  it('when the start-up refresh answers 401 (the session is over), it shows the log-in page', async () => {
    const session = new SessionStore();
    // createApi's resumeSession answers false on a 401, having cleared the session.
    render(
      <App
        api={{ resumeSession: resumedBy(session, Promise.resolve(false)) } as unknown as Api}
        session={session}
      />,
    );
    expect(await screen.findByRole('heading', { name: 'Log in' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Log out' })).toBeNull();
  });
});
