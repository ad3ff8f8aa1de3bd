import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
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
    { accountId: 'me', accessToken: 'h.e30.s', refreshToken: 'r', tokenType: 'Bearer', expiresIn: 900 },
    'me@example.com',
  );
  // The pages these tests open call only the notifications; any other call fails loudly.
  return render(<App api={{ notifications } as Api} session={session} />);
}

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
    // The exports page calls nothing until asked.
    window.location.hash = '#/exports';
    renderApp(notificationsOf([shared()]));
    expect((await screen.findByRole('status', { name: '1 unread' })).textContent).toBe('1');
  });
});
