import type { Db } from '../../platform/db/kysely.js';
import type { StudentsTable } from '../../platform/db/schema.js';

export type StudentRow = StudentsTable;

export class StudentsRepository {
  constructor(private db: Db) {}
  forAccount(accountId: string) {
    return this.db.selectFrom('students').selectAll().where('account_id', '=', accountId).orderBy('created_at').execute();
  }
  /** Only within the account: another account's student reads as not found (PRV-1). */
  byId(accountId: string, id: string) {
    return this.db.selectFrom('students').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }
  insert(row: StudentRow) {
    return this.db.insertInto('students').values(row).execute();
  }
  update(accountId: string, id: string, values: Partial<StudentRow>) {
    return this.db.updateTable('students').set(values).where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst();
  }
}
