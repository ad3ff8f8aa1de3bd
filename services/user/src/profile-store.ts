/**
 * Profiles in PostgreSQL (the `users` schema, via the pool's search path). Every change and its
 * event are written in one transaction; updates and deletes apply only to the version the caller read.
 */
import { ConflictError, enqueueEvent, NotFoundError, PreconditionError, withTransaction } from '@quire/kit';
import type pg from 'pg';
import { decodeCursor, encodeCursor } from './cursor.js';
import type {
  CreateProfileInput,
  ListFilter,
  ProfileMatchView,
  ProfileView,
  UpdateProfileInput,
} from './schemas.js';
import { userEvent, userEventTypes, userTopic } from './user-events.js';

export interface StoredProfile {
  profile: ProfileView;
  version: number;
}

interface Row {
  id: string;
  display_name: string;
  email: string;
  locale: string;
  avatar_url: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  created_us: string;
}

const columns = `id, display_name, email, locale, avatar_url, version, created_at, updated_at,
  (extract(epoch from created_at) * 1000000)::bigint::text AS created_us`;

const toStored = (r: Row): StoredProfile => ({
  version: r.version,
  profile: {
    id: r.id,
    displayName: r.display_name,
    email: r.email,
    locale: r.locale,
    ...(r.avatar_url ? { avatarUrl: r.avatar_url } : {}),
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  },
});

const uniqueViolation = (err: unknown) => (err as { code?: string }).code === '23505';
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export class ProfileStore {
  constructor(private readonly pool: pg.Pool) {}

  /** Creates a profile with its `user.created` event; a taken id or email is a conflict. */
  async create(id: string, input: CreateProfileInput, actor: string): Promise<StoredProfile> {
    try {
      return await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<Row>(
          `INSERT INTO profiles (id, display_name, email, locale, avatar_url) VALUES ($1, $2, $3, $4, $5)
           RETURNING ${columns}`,
          [id, input.displayName, input.email, input.locale, input.avatarUrl ?? null],
        );
        const stored = toStored(rows[0] as Row);
        await enqueueEvent(
          client,
          userTopic,
          userEvent(userEventTypes.created, id, actor, { profile: stored.profile }),
        );
        return stored;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new ConflictError('A profile with this id or email already exists');
      throw err;
    }
  }

  async get(id: string): Promise<StoredProfile> {
    const { rows } = await this.pool.query<Row>(`SELECT ${columns} FROM profiles WHERE id = $1`, [id]);
    if (!rows[0]) throw new NotFoundError('No profile has this id');
    return toStored(rows[0]);
  }

  /** The id and display name of the profile with exactly this (normalised) email; 404 when none has it. */
  async findByEmail(email: string): Promise<ProfileMatchView> {
    const { rows } = await this.pool.query<{ id: string; display_name: string }>(
      'SELECT id, display_name FROM profiles WHERE email = $1',
      [email],
    );
    if (!rows[0]) throw new NotFoundError('No user has this email');
    return { id: rows[0].id, displayName: rows[0].display_name };
  }

  /** Applies the changes if the profile is still at `version` (any version when undefined). */
  async update(
    id: string,
    version: number | undefined,
    changes: UpdateProfileInput,
    actor: string,
  ): Promise<StoredProfile> {
    const sets: string[] = [];
    const values: unknown[] = [id];
    const set = (column: string, value: unknown) => {
      values.push(value);
      sets.push(`${column} = $${values.length}`);
    };
    if (changes.displayName !== undefined) set('display_name', changes.displayName);
    if (changes.email !== undefined) set('email', changes.email);
    if (changes.locale !== undefined) set('locale', changes.locale);
    if (changes.avatarUrl !== undefined) set('avatar_url', changes.avatarUrl);
    let versionClause = '';
    if (version !== undefined) {
      values.push(version);
      versionClause = ` AND version = $${values.length}`;
    }
    try {
      return await withTransaction(this.pool, async (client) => {
        const { rows } = await client.query<Row>(
          `UPDATE profiles SET ${sets.join(', ')}, version = version + 1, updated_at = now()
            WHERE id = $1${versionClause} RETURNING ${columns}`,
          values,
        );
        if (!rows[0]) throw await this.missOrStale(client, id);
        const stored = toStored(rows[0]);
        await enqueueEvent(
          client,
          userTopic,
          userEvent(userEventTypes.updated, id, actor, {
            changed: Object.keys(changes),
            version: stored.version,
          }),
        );
        return stored;
      });
    } catch (err) {
      if (uniqueViolation(err)) throw new ConflictError('Another profile has this email');
      throw err;
    }
  }

  /** Deletes the profile if it is still at `version` (any version when undefined). */
  async delete(id: string, version: number | undefined, actor: string): Promise<void> {
    await withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<{ version: number }>(
        `DELETE FROM profiles WHERE id = $1${version === undefined ? '' : ' AND version = $2'} RETURNING version`,
        version === undefined ? [id] : [id, version],
      );
      if (!rows[0]) throw await this.missOrStale(client, id);
      await enqueueEvent(
        client,
        userTopic,
        userEvent(userEventTypes.deleted, id, actor, { version: rows[0].version }),
      );
    });
  }

  /** One page of profiles in creation order, filtered; `nextCursor` is set while more remain. */
  async list(filter: ListFilter): Promise<{ items: ProfileView[]; nextCursor?: string }> {
    const where: string[] = [];
    const values: unknown[] = [];
    const add = (clause: (n: number) => string, value: unknown) => {
      values.push(value);
      where.push(clause(values.length));
    };
    if (filter.cursor) {
      const p = decodeCursor(filter.cursor);
      values.push(p.createdUs, p.id);
      where.push(
        `(created_at, id) > (timestamptz 'epoch' + $${values.length - 1}::bigint * interval '1 microsecond', $${values.length}::uuid)`,
      );
    }
    if (filter.email) add((n) => `email = $${n}`, filter.email);
    if (filter.locale) add((n) => `locale = $${n}`, filter.locale);
    if (filter.q) add((n) => `lower(display_name) LIKE $${n}`, `${escapeLike(filter.q.toLowerCase())}%`);
    values.push(filter.limit + 1);
    const { rows } = await this.pool.query<Row>(
      `SELECT ${columns} FROM profiles ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY created_at, id LIMIT $${values.length}`,
      values,
    );
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    return {
      items: page.map((r) => toStored(r).profile),
      ...(rows.length > filter.limit && last
        ? { nextCursor: encodeCursor({ createdUs: last.created_us, id: last.id }) }
        : {}),
    };
  }

  /** Why an update or delete matched no row: the profile is gone (404) or at another version (412). */
  private async missOrStale(client: pg.ClientBase, id: string): Promise<Error> {
    const { rowCount } = await client.query('SELECT 1 FROM profiles WHERE id = $1', [id]);
    return rowCount ? new PreconditionError(false) : new NotFoundError('No profile has this id');
  }
}
