import type { Db } from '../../platform/db/kysely.js';
import type { Kysely, Transaction } from 'kysely';
import type { AddressChangesTable, Database, StudentsTable } from '../../platform/db/schema.js';
import { studentNotes } from '../applications/lifecycle.js';

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

/** A permit in force (DEC-11): the permit is active and its request approved. */
export interface ActivePermit {
  permit_id: string;
  school_id: string;
  grade: string;
  first_year: string;
  last_year: string;
  application_id: string;
  kind: 'incoming' | 'outgoing' | 'intra';
  district_id: string;
  target_district_slug: string | null;
  target_district_name: string | null;
  status: string;
}

type Q = Kysely<Database> | Transaction<Database>;

/** The SQL of reported moves and changes of school (DEC-11, DEC-13). */
export class MovesRepository {
  constructor(private db: Db) {}

  /** DEC-11: the student's permits in force, oldest first. */
  activePermits(studentId: string, q: Q = this.db): Promise<ActivePermit[]> {
    return q
      .selectFrom('permits')
      .innerJoin('applications', 'applications.id', 'permits.application_id')
      .select([
        'permits.id as permit_id', 'permits.school_id', 'permits.grade', 'permits.first_year', 'permits.last_year',
        'applications.id as application_id', 'applications.kind', 'applications.district_id', 'applications.target_district_slug',
        'applications.target_district_name', 'applications.status',
      ])
      .where('applications.student_id', '=', studentId)
      .where('permits.status', '=', 'active')
      .where('applications.status', '=', 'approved')
      .orderBy('permits.issued_at')
      .orderBy('permits.id')
      .execute();
  }

  /** The moves reported for a student, newest first. */
  addressChanges(studentId: string): Promise<AddressChangesTable[]> {
    return this.db.selectFrom('address_changes').selectAll().where('student_id', '=', studentId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  }

  /** The same move already reported the same day (a second click, a retried form). */
  sameReport(studentId: string, movedOn: string, reportedOn: string, newAddress: string): Promise<AddressChangesTable | undefined> {
    return this.db
      .selectFrom('address_changes').selectAll()
      .where('student_id', '=', studentId).where('moved_on', '=', movedOn).where('reported_on', '=', reportedOn).where('new_address', '=', newAddress)
      .executeTakeFirst();
  }

  /** Inserts the report once: false when a row with the same id (the same report) is already there. */
  async insertAddressChange(trx: Q, row: AddressChangesTable): Promise<boolean> {
    const r = await trx.insertInto('address_changes').values(row).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0) === 1;
  }

  /** Moves the student to the new address, only from the address the report was made against. */
  async changeAddress(trx: Q, accountId: string, studentId: string, from: Pick<StudentsTable, 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip'>, to: Pick<StudentsTable, 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip' | 'updated_at'>): Promise<boolean> {
    const r = await trx
      .updateTable('students').set(to)
      .where('id', '=', studentId).where('account_id', '=', accountId)
      .where('address_line1', '=', from.address_line1)
      .where('address_line2', from.address_line2 === null ? 'is' : '=', from.address_line2)
      .where('city', '=', from.city).where('state', '=', from.state).where('zip', '=', from.zip)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  /** Where and in which language the account's parent reads email. */
  parent(accountId: string, q: Q = this.db) {
    return q.selectFrom('users').select(['id', 'email', 'language', 'first_name']).where('id', '=', accountId).executeTakeFirst();
  }

  /** The changes of school a parent reported on the student's requests, newest first. */
  schoolChanges(studentId: string) {
    return studentNotes(this.db, studentId, 'parent', 'school change reported:');
  }
}
