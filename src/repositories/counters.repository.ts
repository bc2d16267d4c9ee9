import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

export class CountersRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * Takes the next value of a counter inside the caller's transaction. The UPDATE locks the
   * counter row until commit (PostgreSQL) or holds the single writer (SQLite), so concurrent
   * approvals queue here; a rolled-back transaction gives its value back: no gaps.
   */
  async next(scope: string): Promise<number> {
    await this.db.insertInto('counters').values({ scope, value: 0 }).onConflict((oc) => oc.column('scope').doNothing()).execute();
    const r = await this.db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', 1) }))
      .where('scope', '=', scope)
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(r.value);
  }

  async current(scope: string): Promise<number> {
    const r = await this.db.selectFrom('counters').select('value').where('scope', '=', scope).executeTakeFirst();
    return r ? Number(r.value) : 0;
  }
}
