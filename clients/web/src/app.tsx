/**
 * The shell: signed out it shows sign-in; signed in, a navigation bar (with the unread count) and
 * the page named by the URL's hash, so links and the back button work in a static build. At start it
 * first tries to resume the session a reload left (Auth's refresh cookie), showing the loading state
 * meanwhile rather than flashing the sign-in page.
 */
import { useEffect, useState } from 'react';
import type { Api } from './api/api.ts';
import type { SessionStore } from './api/session.ts';
import { AuditPage } from './pages/audit-page.tsx';
import { AuthPage } from './pages/auth-page.tsx';
import { DocumentsPage } from './pages/documents-page.tsx';
import { ExportsPage } from './pages/exports-page.tsx';
import { NotificationsPage } from './pages/notifications-page.tsx';
import { ProfilePage } from './pages/profile-page.tsx';
import { SearchPage } from './pages/search-page.tsx';
import { TrashPage } from './pages/trash-page.tsx';
import { ApiContext, useApi, useSession } from './ui/api-context.tsx';
import { Loading } from './ui/page-state.tsx';
import { RecountUnreadProvider, useUnreadCount } from './ui/unread-count.tsx';

const pages = {
  documents: { label: 'Documents', Page: DocumentsPage, admin: false },
  trash: { label: 'Trash', Page: TrashPage, admin: false },
  search: { label: 'Search', Page: SearchPage, admin: false },
  exports: { label: 'Exports', Page: ExportsPage, admin: false },
  notifications: { label: 'Notifications', Page: NotificationsPage, admin: false },
  profile: { label: 'Profile', Page: ProfilePage, admin: false },
  audit: { label: 'Audit log', Page: AuditPage, admin: true },
} as const;
type PageName = keyof typeof pages;

const pageFromHash = (): PageName => {
  const name = window.location.hash.replace(/^#\/?/, '');
  return name in pages ? (name as PageName) : 'documents';
};

function useHashPage(): PageName {
  const [page, setPage] = useState(pageFromHash);
  useEffect(() => {
    const onChange = () => setPage(pageFromHash());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return page;
}

function SignedIn() {
  const api = useApi();
  const session = useSession();
  const page = useHashPage();
  const [unread, recountUnread] = useUnreadCount(page);
  const isAdmin = session?.roles.includes('admin') ?? false;
  const { Page } = pages[page].admin && !isAdmin ? pages.documents : pages[page];
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">Quire</span>
        <nav aria-label="Main">
          <ul>
            {(Object.keys(pages) as PageName[])
              .filter((name) => isAdmin || !pages[name].admin)
              .map((name) => (
                <li key={name}>
                  <a href={`#/${name}`} aria-current={name === page ? 'page' : undefined}>
                    {pages[name].label}
                    {name === 'notifications' && unread > 0 && (
                      <span className="badge" role="status" aria-label={`${unread} unread`}>
                        {unread}
                      </span>
                    )}
                  </a>
                </li>
              ))}
          </ul>
        </nav>
        <button type="button" className="secondary" onClick={() => void api.logOut()}>
          Log out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <RecountUnreadProvider value={recountUnread}>
          <Page />
        </RecountUnreadProvider>
      </main>
    </>
  );
}

function Shell({ resuming }: { resuming: boolean }) {
  const session = useSession();
  if (session) return <SignedIn />;
  return resuming ? (
    <main id="main" className="auth">
      <Loading label="Signing you in" />
    </main>
  ) : (
    <AuthPage />
  );
}

/** The whole app over an API and its session; without a session yet, it first tries to resume one. */
export function App({ api, session }: { api: Api; session: SessionStore }) {
  const [resuming, setResuming] = useState(() => !session.current);
  useEffect(() => {
    if (!resuming) return;
    let live = true;
    // StrictMode runs this twice; the API shares the one refresh in flight, so one request is sent.
    void api.resumeSession().finally(() => live && setResuming(false));
    return () => {
      live = false;
    };
  }, [api, resuming]);
  return (
    <ApiContext.Provider value={{ api, session }}>
      <Shell resuming={resuming} />
    </ApiContext.Provider>
  );
}
