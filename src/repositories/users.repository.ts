import type { Kysely, Selectable } from 'kysely';
import type { DB, UsersTable } from '../db/schema.js';
import type { Dialect } from '../db/connect.js';
import { contains } from './sql.js';

export type UserRow = Selectable<UsersTable>;

export class UsersRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  count(): Promise<number> {
    return this.db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow().then((r) => Number(r.n));
  }

  byId(id: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byUsername(username: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async insert(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<UserRow, 'id'>>): Promise<void> {
    await this.db.updateTable('users').set(patch).where('id', '=', id).execute();
  }

  async list(q: string, limit: number, offset: number): Promise<{ items: UserRow[]; total: number }> {
    let base = this.db.selectFrom('users');
    if (q) {
      base = base.where((eb) => eb.or(['username', 'display_name', 'real_name', 'campus_id'].map((c) => contains(this.dialect, c, q))));
    }
    const [items, total] = await Promise.all([
      base.selectAll().orderBy('created_at', 'asc').limit(limit).offset(offset).execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: Number(total.n) };
  }

  byRole(role: string): Promise<UserRow[]> {
    return this.db.selectFrom('users').selectAll().where('role', '=', role).where('disabled', '=', 0).execute();
  }
}
