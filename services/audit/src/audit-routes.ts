/** The Audit API, for admins only: query the log, and verify its chain. */
import { type ApiRouter, NotAllowedError, type Principal } from '@quire/kit';
import type pg from 'pg';
import { queryEntries, verifyChain } from './audit-log.js';
import { EntryPage, EntryQuery, Verification } from './schemas.js';

const requireAdmin = (p: Principal) => {
  if (!p.roles.includes('admin')) throw new NotAllowedError('Only admins may read the audit log');
};

/** Declares the audit routes. */
export function auditRoutes(pool: pg.Pool) {
  return (r: ApiRouter): void => {
    r.route(
      {
        method: 'get',
        path: '/v1/audit/entries',
        operationId: 'queryAuditEntries',
        summary: 'Entries by actor, subject, action and time range, newest first, a page at a time',
        tags: ['audit'],
        authenticated: true,
        query: EntryQuery,
        responses: { 200: { description: 'One page; follow nextCursor for the next', body: EntryPage } },
        problems: [403],
      },
      async ({ query, principal }) => {
        requireAdmin(principal);
        return { status: 200, body: await queryEntries(pool, query) };
      },
    );

    r.route(
      {
        method: 'get',
        path: '/v1/audit/verify',
        operationId: 'verifyAuditChain',
        summary: 'Walk the hash chain from the first entry and report the first broken link',
        description:
          'Answers 200 either way: `valid` says whether every link held, `firstBroken` names the entry where it stopped. ' +
          'Keep `head.hash` somewhere else to detect a truncated tail later.',
        tags: ['audit'],
        authenticated: true,
        responses: { 200: { description: 'The outcome of the walk', body: Verification } },
        problems: [403],
      },
      async ({ principal }) => {
        requireAdmin(principal);
        return { status: 200, body: await verifyChain(pool) };
      },
    );
  };
}
