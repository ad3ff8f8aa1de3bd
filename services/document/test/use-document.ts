/**
 * What a file of Document's component stories starts from: the harness's service started before
 * the file's first test and closed after its last, three users and an admin (Ada, Bob, Eve and an
 * admin, the same cast in every story), and requests made as each. Files run one at a time and
 * each gets its own schema, bucket and topics, so no story sees another file's documents.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { DocumentSettings } from '../src/config.js';
import { type Caller, type DocumentApi, type DocumentHarness, requestsAs, startDocument } from './harness.js';

/** Starts Document for this file's tests; the objects it answers are filled in before the first test. */
export function useDocument(overrides: Partial<DocumentSettings> = {}) {
  // Handed out empty and filled in by beforeAll, so a file names the harness at its top as it
  // names the callers; every member of the harness is a closure, so the copy behaves as the original.
  const h = {} as DocumentHarness;
  const roles = new Map<Caller, string[]>();
  const caller = (granted: string[]): Caller => {
    const c = { subject: randomUUID(), token: '' };
    roles.set(c, granted);
    return c;
  };
  const cast = {
    ada: caller(['user']),
    bob: caller(['user']),
    eve: caller(['user']),
    admin: caller(['user', 'admin']),
  };
  let started = false;
  beforeAll(async () => {
    Object.assign(h, await startDocument(overrides));
    started = true;
    for (const [c, granted] of roles) c.token = await h.issuer.token({ subject: c.subject, roles: granted });
  });
  afterAll(async () => {
    if (started) await h.close();
  });
  return {
    h,
    ...cast,
    /** Requests as `c` to the harness's API, or to `api` when a test builds another over other dependencies. */
    as: (c: Caller, api: DocumentApi = h.app.api) => requestsAs(api, c),
  };
}
