/** For admins: the audit log, filtered by actor, action and subject, and the chain's verification. */
import { type FormEvent, useCallback, useEffect, useState } from 'react';
import type { AuditQuery, AuditVerification, AuditPage as Entries } from '../api/api.ts';
import { messageOf } from '../api/problem.ts';
import { useApi } from '../ui/api-context.tsx';
import { EmptyState, ErrorState, Loading } from '../ui/page-state.tsx';
import { usePageHeading } from '../ui/use-page-title.ts';

const filterNames = ['actor', 'action', 'subject'] as const;

/** What a verification found, in sentences: the walk, then the checkpoints kept outside the database. */
function verificationLines(v: AuditVerification): string[] {
  const cps = v.checkpoints;
  const walked = v.from > 0 ? `after checkpoint #${v.from}` : 'from the first';
  const lines = [
    v.firstBroken
      ? `The chain is broken at entry ${v.firstBroken.seq} (${v.firstBroken.reason}); ${v.checked} entries checked ${walked}.`
      : v.valid
        ? `The chain is intact: ${v.checked} entries checked ${walked}, ${cps.checked} checkpoints match.`
        : `Every link holds: ${v.checked} entries checked ${walked}.`,
  ];
  if (cps.firstFailed) {
    lines.push(
      `Checkpoint #${cps.firstFailed.seq} no longer matches (${cps.firstFailed.reason}): ${cps.firstFailed.detail}. ${cps.failed} of ${cps.checked} checkpoints fail.`,
    );
  }
  if (cps.latest) {
    lines.push(
      `Latest checkpoint: entry #${cps.latest.seq}, hash ${cps.latest.hash}, ${new Date(cps.latest.at).toLocaleString()}; compare it with the copy published on quire.audit.events.`,
    );
  }
  return lines;
}

export function AuditPage() {
  const api = useApi();
  const heading = usePageHeading('Audit log');
  const [filters, setFilters] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<Entries>();
  const [error, setError] = useState<string>();
  const [verification, setVerification] = useState<AuditVerification>();

  const load = useCallback(
    async (cursor?: string) => {
      setError(undefined);
      try {
        const page = await api.audit.entries({ ...filters, limit: 50, ...(cursor ? { cursor } : {}) });
        setEntries((previous) =>
          cursor && previous ? { ...page, items: [...previous.items, ...page.items] } : page,
        );
      } catch (e) {
        setError(messageOf(e));
      }
    },
    [api, filters],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const applyFilters = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const next: AuditQuery = {};
    for (const name of filterNames) {
      const value = String(data.get(name) ?? '').trim();
      if (value) next[name] = value;
    }
    setEntries(undefined);
    setFilters(next);
  };
  const verify = async (full = false) => {
    try {
      setVerification(await api.audit.verify(full));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <>
      <h1 ref={heading} tabIndex={-1}>
        Audit log
      </h1>
      <div className="verify">
        <button type="button" onClick={() => void verify()}>
          Verify the chain
        </button>{' '}
        {/* The quick check trusts what a matching checkpoint covers; this one walks every entry. */}
        <button type="button" className="secondary" onClick={() => void verify(true)}>
          Verify every entry
        </button>
        <div role="status">
          {verification && verificationLines(verification).map((line) => <p key={line}>{line}</p>)}
        </div>
      </div>
      <form className="filters" onSubmit={applyFilters} aria-label="Filter the audit log">
        {filterNames.map((name) => (
          <span key={name}>
            <label htmlFor={`audit-${name}`}>{name[0]?.toUpperCase() + name.slice(1)}</label>
            <input id={`audit-${name}`} name={name} defaultValue={filters[name] ?? ''} />
          </span>
        ))}
        <button type="submit">Filter</button>
      </form>
      {error ? (
        <ErrorState message={error} onRetry={() => void load()} />
      ) : !entries ? (
        <Loading label="Loading the audit log" />
      ) : entries.items.length === 0 ? (
        <EmptyState title="No entries match" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption className="visually-hidden">Audit entries</caption>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Actor</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {entries.items.map((e) => (
                <tr key={e.seq}>
                  <td>{e.seq}</td>
                  <td>{new Date(e.occurredAt).toLocaleString()}</td>
                  <td className="nowrap">{e.action}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td>{e.subject}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {entries?.nextCursor && (
        <button type="button" onClick={() => void load(entries.nextCursor)}>
          Load more
        </button>
      )}
    </>
  );
}
