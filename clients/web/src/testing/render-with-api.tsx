/** Renders a page over a fake API and a signed-in session, for component tests. */
import { cleanup, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import type { Api } from '../api/api.ts';
import { SessionStore } from '../api/session.ts';
import { ApiContext } from '../ui/api-context.tsx';

afterEach(cleanup);

/** A fake API: only the calls a test gives exist; any other call fails the test loudly. */
export type FakeApi = {
  [K in keyof Api]?: Api[K] extends (...a: never[]) => unknown ? Api[K] : Partial<Api[K]>;
};

export const me = '00000000-0000-4000-8000-000000000001';

/** Renders `ui` with the fake API; `signedIn` starts a session for `me` (or that account) first. */
export function renderWithApi(ui: ReactElement, api: FakeApi, signedIn: boolean | string = true) {
  const session = new SessionStore();
  if (signedIn) {
    session.set(
      {
        accountId: signedIn === true ? me : signedIn,
        accessToken: 'h.e30.s',
        tokenType: 'Bearer',
        expiresIn: 900,
      },
      'me@example.com',
    );
  }
  const result = render(<ApiContext.Provider value={{ api: api as Api, session }}>{ui}</ApiContext.Provider>);
  return { ...result, session };
}
