/** Accounts and their credentials in PostgreSQL (the `auth` schema, via the pool's search path). */
import { randomUUID } from 'node:crypto';
import { ConflictError, type EventEnvelope, enqueueEvent, NotFoundError, withTransaction } from '@quire/kit';
import type pg from 'pg';

export interface Account {
  id: string;
  email: string;
  passwordHash: string;
  roles: string[];
  createdAt: Date;
}

interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string[];
  created_at: Date;
}

const columns = 'id, email, password_hash, roles, created_at';

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  roles: r.roles,
  createdAt: r.created_at,
});

/** What became of the first-admin setting: granted, or why not. */
export type FirstAdminOutcome =
  | { outcome: 'granted'; account: Account }
  | { outcome: 'admin-exists' }
  | { outcome: 'no-account' };

export class AccountStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly topic: string,
  ) {}

  /** Creates an account and its sign-up event in one transaction; a taken email is a conflict. */
  async create(
    email: string,
    passwordHash: string,
    event: (accountId: string) => EventEnvelope,
  ): Promise<Account> {
    const id = randomUUID();
    try {
      return await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<AccountRow>(
          `INSERT INTO accounts (id, email, password_hash) VALUES ($1, $2, $3)
           RETURNING ${columns}`,
          [id, email, passwordHash],
        );
        await enqueueEvent(client, this.topic, event(id));
        return toAccount(rows[0] as AccountRow);
      });
    } catch (err) {
      if ((err as { code?: string }).code === '23505') {
        throw new ConflictError('An account with this email already exists');
      }
      throw err;
    }
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${columns} FROM accounts WHERE email = $1`, [
      email,
    ]);
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  async findById(id: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${columns} FROM accounts WHERE id = $1`, [id]);
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /**
   * Sets the subject's roles on the actor's behalf, in one transaction. Both rows are locked in id
   * order, so two admins changing each other wait rather than deadlock, and `check` sees the actor's
   * roles as stored now rather than as its access token says: two admins taking each other's admin
   * role at once cannot both succeed, and a demoted admin's remaining access token changes nothing.
   * `check` runs before the subject is looked up, so a caller it refuses learns nothing about ids.
   * The event is written only when the roles change.
   */
  async setRoles(
    change: { actorId: string; subjectId: string; roles: readonly string[] },
    check: (actorRoles: readonly string[]) => void,
    event: (before: readonly string[]) => EventEnvelope,
  ): Promise<{ account: Account; before: string[] }> {
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<AccountRow>(
        `SELECT ${columns} FROM accounts WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [[change.actorId, change.subjectId]],
      );
      check(rows.find((r) => r.id === change.actorId)?.roles ?? []);
      const subject = rows.find((r) => r.id === change.subjectId);
      if (!subject) throw new NotFoundError('No account has this id');
      const before = subject.roles;
      const same = before.length === change.roles.length && change.roles.every((r) => before.includes(r));
      if (same) return { account: toAccount(subject), before };
      const { rows: updated } = await client.query<AccountRow>(
        `UPDATE accounts SET roles = $2, updated_at = now() WHERE id = $1 RETURNING ${columns}`,
        [change.subjectId, change.roles],
      );
      await enqueueEvent(client, this.topic, event(before));
      return { account: toAccount(updated[0] as AccountRow), before };
    });
  }

  /**
   * Gives the account with this email the admin role while no account holds it (the first admin).
   * Every replica runs this at start-up; a transaction-scoped advisory lock lets one at a time look
   * and change, so the event is written once.
   */
  async grantFirstAdmin(
    email: string,
    event: (account: Account, before: readonly string[]) => EventEnvelope,
  ): Promise<FirstAdminOutcome> {
    return withTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext(current_schema() || '.first-admin'))");
      const admins = await client.query("SELECT 1 FROM accounts WHERE 'admin' = ANY(roles) LIMIT 1");
      if (admins.rows.length > 0) return { outcome: 'admin-exists' };
      const { rows } = await client.query<AccountRow>(
        `UPDATE accounts SET roles = array_append(roles, 'admin'), updated_at = now()
         WHERE email = $1 RETURNING ${columns}`,
        [email],
      );
      const row = rows[0];
      if (!row) return { outcome: 'no-account' };
      const account = toAccount(row);
      await enqueueEvent(
        client,
        this.topic,
        event(
          account,
          account.roles.filter((r) => r !== 'admin'),
        ),
      );
      return { outcome: 'granted', account };
    });
  }

  /** Records an event that changes no row (a login, a failure, a logout). */
  async recordEvent(event: EventEnvelope): Promise<void> {
    await enqueueEvent(this.pool, this.topic, event);
  }
}
