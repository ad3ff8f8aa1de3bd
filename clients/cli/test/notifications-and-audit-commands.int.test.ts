// The notifications and audit half of the CLI, run as a subprocess against the services started
// in-process behind a stand-in gateway, with Notification and Audit fed by Document's events through
// Kafka: a share shows up in the other user's notifications and in the admin's audit log.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Doc, useCliUser } from './fixtures/cli-user.js';
import { quire, quireJson } from './fixtures/run-cli.js';

const user = useCliUser();
const { email, password, work } = user;
const as = () => user.as();

describe('a platform user reading notifications and the audit log with the quire CLI', () => {
  it('shows the user a document was shared with a notification of it, and --mark-read marks it read', async () => {
    const otherHome = user.otherHome();
    const asOther = () => user.in(otherHome);
    const otherEmail = `sharee.${Date.now().toString(36)}@example.com`;
    const signedUp = await quire(['login', '--sign-up', '-e', otherEmail, '--password-stdin'], {
      ...asOther(),
      input: password,
    });
    expect(signedUp.code, signedUp.stderr).toBe(0);
    const otherId = user.credentials(otherHome).accountId;

    const file = join(work, 'itinerary.txt');
    writeFileSync(file, 'Friedrichshafen to Lakehurst\n');
    const doc = await quireJson<Doc>(['docs', 'upload', file, '--title', 'Itinerary'], as());
    await quireJson<Doc>(['docs', 'share', doc.id, otherId], as());

    type Page = {
      items: Array<{
        id: string;
        kind: string;
        title: string;
        data: Record<string, unknown>;
        readAt?: string;
      }>;
    };
    let page: Page = { items: [] };
    for (let i = 0; i < 120 && page.items.length === 0; i++) {
      page = await quireJson<Page>(['notifications', '--unread'], asOther());
      if (!page.items.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({
      kind: 'document.shared',
      title: '"Itinerary" was shared with you',
      data: { documentId: doc.id, permission: 'read' },
    });
    expect(page.items[0]?.readAt).toBeUndefined();

    const table = await quire(['notifications'], asOther());
    expect(table.stdout).toMatch(/WHEN\s+KIND\s+TITLE/);
    expect(table.stdout).toContain('"Itinerary" was shared with you');

    const marked = await quireJson<Page>(['notifications', '--mark-read'], asOther());
    expect(marked.items[0]?.readAt).toEqual(expect.any(String));
    expect((await quireJson<Page>(['notifications', '--unread'], asOther())).items).toEqual([]);
  });

  it('refuses quire audit to a user who is not an admin, with exit code 1 and what to do', async () => {
    const result = await quire(['audit'], as());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 403');
    expect(result.stderr).toContain('Ask an admin');
  });

  it('as an admin, lists the audit log filtered by action, and --verify reports a valid chain', async () => {
    const saved = user.credentials();
    await user.services.auth.pool.query(
      `UPDATE accounts SET roles = array_append(roles, 'admin') WHERE id = $1 AND NOT ('admin' = ANY(roles))`,
      [saved.accountId],
    );
    const login = await quire(['login', '-e', email, '--password-stdin'], { ...as(), input: password });
    expect(login.code, login.stderr).toBe(0);

    type Page = { items: Array<{ seq: number; action: string; actor: string | null; subject: string }> };
    let page: Page = { items: [] };
    for (let i = 0; i < 120 && !page.items.some((e) => e.action === 'document.shared'); i++) {
      page = await quireJson<Page>(['audit', '--action', 'document.shared', '--since', '1h'], as());
      if (!page.items.length) await new Promise((r) => setTimeout(r, 250));
    }
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((e) => e.action === 'document.shared')).toBe(true);
    expect(page.items[0]?.actor).toBe(saved.accountId);

    const all = await quireJson<Page>(['audit', '--limit', '500'], as());
    expect(all.items.length).toBeGreaterThan(page.items.length);
    const table = await quire(['audit', '--action', 'document.shared'], as());
    expect(table.stdout).toMatch(/^SEQ\s+WHEN\s+ACTION\s+ACTOR\s+SUBJECT/);

    type Verified = { valid: boolean; checked: number; mode: string; checkpoints: { checked: number } };
    const verified = await quireJson<Verified>(['audit', '--verify'], as());
    expect(verified).toMatchObject({ valid: true, mode: 'incremental', checkpoints: { failed: 0 } });
    const full = await quireJson<Verified>(['audit', '--verify', '--full'], as());
    expect(full).toMatchObject({ valid: true, mode: 'full', from: 0 });
    expect(full.checked).toBeGreaterThanOrEqual(all.items.length);
    const human = await quire(['audit', '--verify'], as());
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain('The audit chain is valid');
    expect(human.stdout).toMatch(/Checkpoints: \d+ checked, 0 failed/);
    const misplaced = await quire(['audit', '--full'], as());
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--full goes with --verify');
  });

  it("as an admin, shows and changes roles with quire roles; revoking ends the other account's session", async () => {
    // The previous story made this user an admin and logged in again.
    const other = user.otherHome();
    const otherEmail = `roles.${Date.now().toString(36)}@example.com`;
    const signUp = await quire(['login', '--sign-up', '-e', otherEmail, '--password-stdin'], {
      ...user.in(other),
      input: password,
    });
    expect(signUp.code, signUp.stderr).toBe(0);

    const shown = await quireJson<{ email: string; roles: string[] }>(['roles', otherEmail], as());
    expect(shown).toMatchObject({ email: otherEmail, roles: ['user'] });
    const granted = await quireJson<{ roles: string[] }>(['roles', otherEmail, '--grant', 'admin'], as());
    expect(granted.roles).toEqual(['user', 'admin']);
    const revoked = await quire(['roles', otherEmail, '--revoke', 'admin'], as());
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(revoked.stdout).toContain(`${otherEmail} (`);
    expect(revoked.stdout).toContain('): user');

    // The other account's refresh token died with the revoke: its next refresh asks to log in again.
    const stale = { ...user.credentials(other), expiresAt: new Date(0).toISOString() };
    writeFileSync(user.credentialsFile(other), JSON.stringify(stale));
    const after = await quire(['docs', 'list'], user.in(other));
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('quire login');

    const unknown = await quire(['roles', 'nobody@example.com'], as());
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No account has the email nobody@example.com');
    const self = await quire(['roles', email, '--revoke', 'admin'], as());
    expect(self.code).toBe(1);
    expect(self.stderr).toContain('cannot remove your own admin role');
  });
});
