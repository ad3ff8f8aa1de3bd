/** The Audit API, for admins only: query the log, and verify its chain. */
import { type ApiRouter, NotAllowedError, type Principal } from '@quire/kit';
import type pg from 'pg';
import { queryEntries } from './audit-log.js';
import { verifyChain } from './audit-verify.js';
import { EntryPage, EntryQuery, Verification, VerifyQuery } from './schemas.js';

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
        summary:
          'Check the checkpoints against the chain and walk its links, from the last checkpoint or from the start',
        description:
          'Answers 200 either way. Every stored checkpoint is checked against the entry at its seq ' +
          '(`checkpoints.firstFailed` names the first that no longer matches: a truncated log or a rewritten prefix); ' +
          'then the links are walked from the last checkpoint that matches, or from the first entry with `full=true`, ' +
          'and `firstBroken` names the entry where the walk stopped. `valid` is true when both hold. ' +
          'Checkpoints are also published on quire.audit.events: compare `checkpoints.latest` with a copy kept there.',
        tags: ['audit'],
        authenticated: true,
        query: VerifyQuery,
        responses: { 200: { description: 'The outcome of the walk', body: Verification } },
        problems: [403],
      },
      async ({ query, principal }) => {
        requireAdmin(principal);
        return { status: 200, body: await verifyChain(pool, { full: query.full ?? false }) };
      },
    );
  };
}
