/**
 * What the event consumers made of the scenario: the notifications Notification derived from the
 * share and the export, and the audit trail Audit chained from every event, read as the first admin.
 * Both are called through the gateway when it routes their paths, else straight over mTLS with the
 * gateway's certificate (as when the operator rendered no HTTPRoute for them).
 */
import { poll } from './api-client.ts';
import { logInLocalAdmin, requireAdminRole } from './local-admin.ts';
import { need, type StepContext } from './scenario-steps.ts';

type NotificationView = { kind: string; title: string; data: { documentId?: string; exportId?: string } };

/** Polls one user's notifications until one matches. */
function notificationOf(
  c: StepContext,
  token: string,
  what: string,
  match: (n: NotificationView) => boolean,
) {
  return poll(
    what,
    async () => {
      const { client } = c.route('notification', '/v1/notifications');
      const r = await client.call<{ items: NotificationView[] }>('GET', '/v1/notifications', { token });
      return r.body.items.find(match);
    },
    30_000,
  );
}

export async function notifications(c: StepContext): Promise<string> {
  const [doc, alice, bob] = [
    need(c.facts.document, 'the document'),
    need(c.facts.alice, 'alice'),
    need(c.facts.bob, 'bob'),
  ];
  const shared = await notificationOf(
    c,
    bob.accessToken,
    "bob's document.shared notification",
    (n) => n.kind === 'document.shared' && n.data.documentId === doc.id,
  );
  c.facts.notification = { kind: shared.kind, title: shared.title };
  const lines = [`bob: ${shared.title}`];
  const exported = c.facts.export;
  if (exported?.files) {
    const ready = await notificationOf(
      c,
      alice.accessToken,
      "alice's export.ready notification",
      (n) => n.kind === 'export.ready' && n.data.exportId === exported.id,
    );
    c.facts.exportNotification = { kind: ready.kind, title: ready.title };
    lines.push(`alice: ${ready.title}`);
  }
  return `${lines.join('; ')} (${c.route('notification', '/v1/notifications').via})`;
}

interface AuditEntryView {
  action: string;
  subject: string;
  data: { actor?: string; newRoles?: string[]; address?: string };
}

/** What `pick` finds among the entries, or an error naming what is missing (poll reports the last one). */
function find<T>(entries: AuditEntryView[], what: string, pick: (e: AuditEntryView[]) => T | undefined): T {
  const found = pick(entries);
  if (found === undefined) throw new Error(`no ${what} yet`);
  return found;
}

/**
 * Reads the audit trail as the Platform's first admin (spec.auth.bootstrapAdminEmail, signed up by
 * make up): the document's entries, the chain's verification, the entry that made the admin one, and
 * the address Auth recorded for alice's login, which must be this run's own (the gateway passed it
 * on in X-Forwarded-For, and Auth believed the gateway's certificate).
 */
export async function audit(c: StepContext): Promise<string> {
  const [doc, alice] = [need(c.facts.document, 'the document'), need(c.facts.alice, 'alice')];
  const database = new URL(c.state.databaseUrl).pathname.slice(1);
  const admin = requireAdminRole(await logInLocalAdmin(c.gateway, c.state.adminPasswordFile), database);
  const token = admin.accessToken;
  const { client, via } = c.route('audit', '/v1/audit/entries');
  const entries = async (query: Record<string, string>) => {
    const r = await client.call<{ items: AuditEntryView[] }>(
      'GET',
      `/v1/audit/entries?${new URLSearchParams(query)}`,
      { token },
    );
    return r.body.items;
  };
  const seen = await poll(
    "audit entries of the document (created and shared), of the admin's role and of alice's login",
    async () => {
      const actions = find(
        await entries({ subject: doc.id }),
        'document.created and document.shared',
        (e) => {
          const names = e.map((x) => x.action);
          return names.includes('document.created') && names.includes('document.shared') ? names : undefined;
        },
      );
      const grantedBy = find(
        await entries({ subject: admin.accountId, action: 'auth.roles_changed' }),
        `auth.roles_changed making ${admin.email} an admin`,
        (e) => e.find((x) => x.data.newRoles?.includes('admin'))?.data.actor,
      );
      const address = find(
        await entries({ subject: alice.accountId, action: 'auth.logged_in' }),
        "auth.logged_in of alice's login",
        (e) => e[0]?.data.address,
      );
      return { actions, grantedBy, address };
    },
    30_000,
  );
  c.facts.admin = {
    email: admin.email,
    accountId: admin.accountId,
    roles: admin.roles,
    grantedBy: seen.grantedBy,
  };
  c.facts.aliceLoginAddress = seen.address;
  const v = await client.call<{ valid: boolean; checked: number }>('GET', '/v1/audit/verify', { token });
  c.facts.audit = { actions: seen.actions, valid: v.body.valid, checked: v.body.checked };
  if (!v.body.valid) throw new Error(`the audit chain does not verify: ${JSON.stringify(v.body)}`);
  if (seen.address !== c.facts.clientAddress) {
    throw new Error(
      `Auth recorded alice's login from ${seen.address}, not from this run's address ${c.facts.clientAddress}: ` +
        "it did not believe the gateway's X-Forwarded-For (is QUIRE_TRUSTED_PROXY_IDS the gateway's SPIFFE ID?)",
    );
  }
  return (
    `entries for the document: ${[...seen.actions].reverse().join(', ')}; chain of ${v.body.checked} entries verifies; ` +
    `read by ${admin.email} (admin by ${seen.grantedBy}); alice's login from ${seen.address}, this run's address (${via})`
  );
}
