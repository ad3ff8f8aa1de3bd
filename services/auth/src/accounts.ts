/** Accounts and their credentials in PostgreSQL (the `auth` schema, via the pool's search path). */
import { randomUUID } from 'node:crypto';
import { ConflictError, type EventEnvelope, enqueueEvent, withTransaction } from '@quire/kit';
import type pg from 'pg';

export interface Account {
  id: string;
  email: string;
  passwordHash: string;
  roles: string[];
}

interface AccountRow {
  id: string;
  email: string;
  password_hash: string;
  roles: string[];
}

const toAccount = (r: AccountRow): Account => ({
  id: r.id,
  email: r.email,
  passwordHash: r.password_hash,
  roles: r.roles,
});

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
           RETURNING id, email, password_hash, roles`,
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
    const { rows } = await this.pool.query<AccountRow>(
      'SELECT id, email, password_hash, roles FROM accounts WHERE email = $1',
      [email],
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  async findById(id: string): Promise<Account | undefined> {
    const { rows } = await this.pool.query<AccountRow>(
      'SELECT id, email, password_hash, roles FROM accounts WHERE id = $1',
      [id],
    );
    return rows[0] ? toAccount(rows[0]) : undefined;
  }

  /** Records an event that changes no row (a login, a failure, a logout). */
  async recordEvent(event: EventEnvelope): Promise<void> {
    await enqueueEvent(this.pool, this.topic, event);
  }
}
