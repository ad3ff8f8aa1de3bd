/** Starts the web app: one session in memory, one API over it, the shell. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api/api.ts';
import { SessionStore } from './api/session.ts';
import { App } from './app.tsx';
import './styles.css';

const session = new SessionStore();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App api={createApi(session)} session={session} />
    </StrictMode>,
  );
}
