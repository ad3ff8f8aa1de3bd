/** Hands the API and the session to every page without threading them through props. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Api } from '../api/api.ts';
import type { SessionState, SessionStore } from '../api/session.ts';

export const ApiContext = createContext<{ api: Api; session: SessionStore } | undefined>(undefined);

/** The API of the app; pages call it, tests provide a fake. */
export function useApi(): Api {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi needs an ApiContext provider');
  return value.api;
}

/** The current session, re-rendering when it starts or ends. */
export function useSession(): SessionState | undefined {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useSession needs an ApiContext provider');
  return useSyncExternalStore(value.session.subscribe, value.session.snapshot);
}
