/**
 * What the event consumers made of the scenario: the notifications Notification derived from the
 * share and the export, and the audit trail Audit chained from every event, read as an admin.
 * Both are called through the gateway when it routes their paths, else straight over mTLS with the
 * gateway's certificate (as when the operator rendered no HTTPRoute for them).
 */
import pg from 'pg';
import { poll } from './api-client.ts';
import { need, type StepContext, type Tokens } from './scenario-steps.ts';

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

/** Makes alice an admin: auth has no API for roles, so the local platform sets it in her account row. */
async function grantAdmin(c: StepContext): Promise<string> {
  const alice = need(c.facts.alice, 'alice');
  const client = new pg.Client({ connectionString: c.state.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `UPDATE auth.accounts SET roles = array_append(roles, 'admin') WHERE id = $1 AND NOT ('admin' = ANY(roles))`,
      [alice.accountId],
    );
  } finally {
    await client.end();
  }
  // A refresh reads the roles again, and is not counted by the login rate limit.
  const r = await c.gateway.call<Tokens>('POST', '/v1/auth/refresh', {
    json: { refreshToken: alice.refreshToken },
  });
  c.facts.alice = { ...alice, ...r.body };
  return r.body.accessToken;
}

export async function audit(c: StepContext): Promise<string> {
  const doc = need(c.facts.document, 'the document');
  const token = await grantAdmin(c);
  const { client, via } = c.route('audit', '/v1/audit/entries');
  const actions = await poll(
    'audit entries of the document (created and shared)',
    async () => {
      const r = await client.call<{ items: { action: string }[] }>(
        'GET',
        `/v1/audit/entries?subject=${doc.id}`,
        { token },
      );
      const seen = r.body.items.map((e) => e.action);
      return seen.includes('document.created') && seen.includes('document.shared') ? seen : undefined;
    },
    30_000,
  );
  const v = await client.call<{ valid: boolean; checked: number }>('GET', '/v1/audit/verify', { token });
  c.facts.audit = { actions, valid: v.body.valid, checked: v.body.checked };
  if (!v.body.valid) throw new Error(`the audit chain does not verify: ${JSON.stringify(v.body)}`);
  return `entries for the document: ${[...actions].reverse().join(', ')}; chain of ${v.body.checked} entries verifies (admin: alice; ${via})`;
}
