import type { Db } from '../../platform/db/kysely.js';
import type { Kysely, Transaction } from 'kysely';
import type { Database, StaffTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export class StaffRepository {
  constructor(private db: Db) {}
  byEmail(email: string) {
    return this.db.selectFrom('staff').selectAll().where('email', '=', email).executeTakeFirst();
  }
  byId(id: string) {
    return this.db.selectFrom('staff').selectAll().where('id', '=', id).executeTakeFirst();
  }
  /** The account and its schools, inside the caller's transaction (with its activation token and email). */
  async insert(q: Q, row: StaffTable, schoolIds: string[]) {
    await q.insertInto('staff').values(row).execute();
    if (schoolIds.length) await q.insertInto('staff_schools').values(schoolIds.map((school_id) => ({ staff_id: row.id, school_id }))).execute();
  }
  insertToken(q: Q, token: { token_hash: string; staff_id: string; expires_at: string; created_at: string }) {
    return q.insertInto('staff_tokens').values({ ...token, purpose: 'activate', used_at: null }).execute();
  }
  token(hash: string) {
    return this.db.selectFrom('staff_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst();
  }
  /** The same password's hash at new parameters; only over the hash it was checked against (a password changed meanwhile stands). */
  replacePasswordHash(staffId: string, checked: string, hash: string) {
    return this.db.updateTable('staff').set({ password_hash: hash }).where('id', '=', staffId).where('password_hash', '=', checked).execute();
  }
  /** Uses the token and sets the password together; false when the token was already used. */
  async activate(hash: string, staffId: string, passwordHash: string, nowIso: string): Promise<boolean> {
    return this.db.transaction().execute(async (trx) => {
      const r = await trx.updateTable('staff_tokens').set({ used_at: nowIso }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
      if (Number(r.numUpdatedRows) !== 1) return false;
      await trx.updateTable('staff').set({ password_hash: passwordHash, activated_at: nowIso, updated_at: nowIso }).where('id', '=', staffId).execute();
      return true;
    });
  }
}
