import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../../platform/db/kysely.js';
import type { Database, UsersTable } from '../../platform/db/schema.js';

type Q = Kysely<Database> | Transaction<Database>;

export class AccountsRepository {
  constructor(private db: Db) {}

  userByEmail(email: string, q: Q = this.db) {
    return q.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  }

  userById(id: string, q: Q = this.db) {
    return q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  }

  insertUser(row: UsersTable, q: Q) {
    return q.insertInto('users').values(row).execute();
  }

  setPassword(userId: string, hash: string, nowIso: string, activate: boolean, q: Q) {
    return q
      .updateTable('users')
      .set(activate ? { password_hash: hash, updated_at: nowIso, activated_at: nowIso } : { password_hash: hash, updated_at: nowIso })
      .where('id', '=', userId)
      .execute();
  }

  /** The same password's hash at new parameters; only over the hash it was checked against (a password changed meanwhile stands). */
  replacePasswordHash(userId: string, checked: string, hash: string) {
    return this.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).where('password_hash', '=', checked).execute();
  }

  setLanguage(userId: string, language: string, nowIso: string) {
    return this.db.updateTable('users').set({ language, updated_at: nowIso }).where('id', '=', userId).execute();
  }

  insertToken(q: Q, row: { token_hash: string; user_id: string; purpose: 'activate' | 'reset'; expires_at: string; created_at: string }) {
    return q.insertInto('user_tokens').values({ ...row, used_at: null }).execute();
  }

  token(hash: string, purpose: 'activate' | 'reset') {
    return this.db.selectFrom('user_tokens').selectAll().where('token_hash', '=', hash).where('purpose', '=', purpose).executeTakeFirst();
  }

  /** Marks a token used only if it still is unused: a second use finds nothing to update. */
  async useToken(hash: string, nowIso: string, q: Q): Promise<boolean> {
    const r = await q.updateTable('user_tokens').set({ used_at: nowIso }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
