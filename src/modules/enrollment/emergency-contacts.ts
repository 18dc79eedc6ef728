import { z } from 'zod';
import type { Db } from '../../platform/db/kysely.js';
import type { Transaction } from 'kysely';
import type { Database, EmergencyContactsTable, StudentsTable } from '../../platform/db/schema.js';
import type { Parsed, FormErrors } from '../../platform/http/form-cycle.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canKeepRoll, canReadRoll } from '../access/roles.js';
import type { RollContext } from './context.js';

/**
 * ENR-4: a student's emergency contacts — the people the school calls when it cannot reach the
 * family — given by the parent from the account or entered by the school office. The list is
 * replaced whole, in one unit: nothing half-saved, and a retried post leaves the same list.
 * This module is the one writer of `emergency_contacts`; the roll page's "no emergency
 * information" filter reads the same table by `student_id`.
 */

/** At least one contact (ENR-4), at most this many: a school calls them in order. */
export const MAX_CONTACTS = 5;

/** The relationships a form offers, stored by code and shown in the reader's language. */
export const RELATIONSHIPS = ['parent', 'guardian', 'grandparent', 'aunt-uncle', 'sibling', 'other-relative', 'friend-neighbor', 'other'] as const;

/** Languages a contact may prefer (the district's most spoken), stored by code; 'other' for the rest. */
export const CONTACT_LANGUAGES = ['en', 'es', 'ko', 'hy', 'zh', 'tl', 'vi', 'ru', 'fa', 'ar', 'other'] as const;

/** One contact as a form gives it, checked and with its phones written the one way. */
export interface ContactInput {
  name: string;
  relationship: string;
  phone: string;
  altPhone: string | null;
  email: string | null;
  language: string | null;
}

/** Who changed the list: the parent's account or a staff member (`emergency_contacts.updated_by`). */
export type ContactsActor = `account:${string}` | `staff:${string}`;

/**
 * A telephone number a person can call: a North American number of ten digits (a leading 1 or
 * +1 allowed; area code and exchange not starting with 0 or 1), written "(213) 555-0142", or an
 * international one starting with + and its country code (8 to 15 digits), written "+52…".
 * Spaces, dots, dashes and parentheses are allowed as people type them; anything else is not a
 * phone number (null).
 */
export function normalizePhone(raw: string): string | null {
  const s = raw.trim();
  if (!/^\+?[\d\s().-]+$/.test(s)) return null;
  const digits = s.replace(/\D/g, '');
  if (s.startsWith('+') && !digits.startsWith('1')) return digits.length >= 8 && digits.length <= 15 ? `+${digits}` : null;
  const ten = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(ten)) return null;
  return `(${ten.slice(0, 3)}) ${ten.slice(3, 6)}-${ten.slice(6)}`;
}

/** A phone field: `required` when empty unless optional (then null), `format` when it is no phone number. */
const phone = (format: string, required?: string) =>
  z
    .string()
    .trim()
    .transform((v, ctx) => {
      if (!v) {
        if (required) ctx.addIssue({ code: 'custom', message: required });
        return null;
      }
      const p = normalizePhone(v);
      if (!p) ctx.addIssue({ code: 'custom', message: format });
      return p;
    });

/** One contact's fields; messages are catalog keys (emergency.json). */
const ContactSchema = z.object({
  name: z.string().trim().min(1, 'emergency.errors.nameRequired').max(100, 'emergency.errors.nameTooLong'),
  relationship: z.string().refine((v) => (RELATIONSHIPS as readonly string[]).includes(v), 'emergency.errors.relationshipRequired'),
  phone: phone('emergency.errors.phoneFormat', 'emergency.errors.phoneRequired'),
  alt_phone: phone('emergency.errors.altPhoneFormat'),
  email: z
    .string()
    .trim()
    .max(254, 'emergency.errors.emailFormat')
    .refine((v) => v === '' || z.email().safeParse(v).success, 'emergency.errors.emailFormat')
    .transform((v) => (v === '' ? null : v.toLowerCase())),
  language: z
    .string()
    .refine((v) => v === '' || (CONTACT_LANGUAGES as readonly string[]).includes(v), 'emergency.errors.languageUnknown')
    .transform((v) => (v === '' ? null : v)),
});

const FIELDS = ['name', 'relationship', 'phone', 'alt_phone', 'email', 'language'] as const;

/** The field of contact `i` (1-based) on the form: `phone_2`. */
export const contactField = (field: (typeof FIELDS)[number] | 'remove', i: number): string => `${field}_${i}`;

/** How many contact boxes the form shows (`rows`, a hidden field), 1 to MAX_CONTACTS. */
export function formRows(values: Record<string, string>): number {
  const n = Number.parseInt(values.rows ?? '', 10);
  return Number.isFinite(n) ? Math.min(Math.max(n, 1), MAX_CONTACTS) : 1;
}

/**
 * The contacts of a submitted form, in the order of its boxes. A box ticked "remove" or left
 * wholly empty is no contact; a box begun is checked field by field, each problem beside its
 * field (`phone_2`). No contact at all is refused on the first box's name (ENR-4).
 */
export function parseContactsForm(values: Record<string, string>): Parsed<ContactInput[]> {
  const contacts: ContactInput[] = [];
  const errors: FormErrors = {};
  for (let i = 1; i <= formRows(values); i++) {
    if (values[contactField('remove', i)] === 'yes') continue;
    const row = Object.fromEntries(FIELDS.map((f) => [f, (values[contactField(f, i)] ?? '').slice(0, 300)]));
    if (FIELDS.every((f) => f === 'language' || !row[f].trim())) continue;
    const parsed = ContactSchema.safeParse(row);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = contactField(String(issue.path[0]) as (typeof FIELDS)[number], i);
        if (!errors[field]) errors[field] = { key: issue.message.startsWith('emergency.') ? issue.message : 'common.errors.invalid' };
      }
      continue;
    }
    const c = parsed.data;
    contacts.push({ name: c.name, relationship: c.relationship, phone: c.phone ?? '', altPhone: c.alt_phone, email: c.email, language: c.language });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  if (!contacts.length) return { ok: false, errors: { [contactField('name', 1)]: { key: 'emergency.errors.atLeastOne' } } };
  return { ok: true, data: contacts };
}

/** The form's values for a saved list: each contact in its box, and one empty box more while there is room. */
export function contactsFormValues(contacts: EmergencyContactsTable[]): Record<string, string> {
  const values: Record<string, string> = { saved: String(contacts.length), rows: String(Math.min(Math.max(contacts.length + 1, 2), MAX_CONTACTS)) };
  contacts.forEach((c, n) => {
    const i = n + 1;
    values[contactField('name', i)] = c.name;
    values[contactField('relationship', i)] = c.relationship;
    values[contactField('phone', i)] = c.phone;
    values[contactField('alt_phone', i)] = c.alt_phone ?? '';
    values[contactField('email', i)] = c.email ?? '';
    values[contactField('language', i)] = c.language ?? '';
  });
  return values;
}

/** A student's contacts in the order the school calls them. */
export function emergencyContactsOf(db: Db, studentId: string): Promise<EmergencyContactsTable[]> {
  return db.selectFrom('emergency_contacts').selectAll().where('student_id', '=', studentId).orderBy('position').orderBy('id').execute();
}

/** Replaces a student's whole list inside the caller's transaction. */
export async function replaceContactsIn(trx: Transaction<Database>, studentId: string, contacts: ContactInput[], by: ContactsActor, at: string): Promise<void> {
  await trx.deleteFrom('emergency_contacts').where('student_id', '=', studentId).execute();
  await trx
    .insertInto('emergency_contacts')
    .values(
      contacts.map((c, i) => ({
        id: newId(),
        student_id: studentId,
        position: i + 1,
        name: c.name,
        relationship: c.relationship,
        phone: c.phone,
        alt_phone: c.altPhone,
        email: c.email,
        language: c.language,
        created_at: at,
        updated_at: at,
        updated_by: by,
      })),
    )
    .execute();
}

/** Who last changed a list, as the office reads it: the family, or a staff member by email. */
export interface LastChange {
  at: string;
  by: { kind: 'family' } | { kind: 'staff'; email: string | null };
}

/** What the office's page of a student's contacts shows. */
export interface StaffContactsView {
  student: Pick<StudentsTable, 'id' | 'first_name' | 'last_name'>;
  contacts: EmergencyContactsTable[];
  lastChange: LastChange | null;
  /** The school office and district administrators change them; a teacher reads them. */
  canChange: boolean;
}

const notFound = () => err('not-found', 'emergency.errors.notFound');
const forbidden = () => err('forbidden', 'emergency.errors.forbidden');

/** ENR-4, PRV-1, PRV-2: who reads and changes a student's emergency contacts, and the writes. */
export class EmergencyContacts {
  constructor(private ctx: RollContext) {}

  private get db(): Db {
    return this.ctx.deps.db;
  }

  list(studentId: string): Promise<EmergencyContactsTable[]> {
    return emergencyContactsOf(this.db, studentId);
  }

  /** PRV-1: the parent's own student (students.account_id), or undefined — another family's is "not found". */
  parentStudent(accountId: string, studentId: string): Promise<StudentsTable | undefined> {
    return this.db.selectFrom('students').selectAll().where('id', '=', studentId).where('account_id', '=', accountId).executeTakeFirst();
  }

  /** Who last changed the list and when, from the newest row (a list is written whole). */
  async lastChange(contacts: EmergencyContactsTable[]): Promise<LastChange | null> {
    const row = contacts[0];
    if (!row) return null;
    if (!row.updated_by.startsWith('staff:')) return { at: row.updated_at, by: { kind: 'family' } };
    const staff = await this.db.selectFrom('staff').select('email').where('id', '=', row.updated_by.slice('staff:'.length)).executeTakeFirst();
    return { at: row.updated_at, by: { kind: 'staff', email: staff?.email ?? null } };
  }

  /** ENR-4: the parent gives or updates the list of their own student. */
  async replaceForParent(accountId: string, studentId: string, contacts: ContactInput[]): Promise<Result<true>> {
    const at = this.ctx.deps.clock.now().toISOString();
    const done = await this.ctx.deps.writer.run(async (trx) => {
      const mine = await trx.selectFrom('students').select('id').where('id', '=', studentId).where('account_id', '=', accountId).executeTakeFirst();
      if (!mine) return false;
      await replaceContactsIn(trx, studentId, contacts, `account:${accountId}`, at);
      return true;
    });
    return done ? ok(true) : notFound();
  }

  /**
   * PRV-1, PRV-2: the office's view of a student's contacts — a school role's student on one of
   * their schools' rolls, any school's for a district administrator; outside it "not found".
   * The read is audited; a refusal is audited by the route, which knows the action.
   */
  async staffView(staff: SessionStaff, studentId: string, ip: string): Promise<Result<StaffContactsView>> {
    const student = await this.inScope(staff, studentId);
    if (!student) return notFound();
    const contacts = await this.list(studentId);
    await this.ctx.audit.record(staff, 'roll.contacts.view', { type: 'student', id: studentId }, ip, { contacts: contacts.length });
    return ok({ student, contacts, lastChange: await this.lastChange(contacts), canChange: canKeepRoll(staff) });
  }

  /**
   * Whether the staff member may change the student's contacts, checked before a form is read:
   * "not-found" outside their roll, "forbidden" for a teacher of the school.
   */
  async mayChange(staff: SessionStaff, studentId: string): Promise<Result<Pick<StudentsTable, 'id' | 'first_name' | 'last_name'>>> {
    const student = await this.inScope(staff, studentId);
    if (!student) return notFound();
    return canKeepRoll(staff) ? ok(student) : forbidden();
  }

  /**
   * ENR-4: the school office enters or changes the list (a teacher may not: "forbidden"); the
   * change and its audit line are one unit.
   */
  async replaceForStaff(staff: SessionStaff, studentId: string, contacts: ContactInput[], ip: string): Promise<Result<true>> {
    if (!(await this.inScope(staff, studentId))) return notFound();
    if (!canKeepRoll(staff)) return forbidden();
    const at = this.ctx.deps.clock.now().toISOString();
    await this.ctx.deps.writer.run(async (trx) => {
      await replaceContactsIn(trx, studentId, contacts, `staff:${staff.id}`, at);
      await this.ctx.audit.in(trx).record(staff, 'roll.contacts.update', { type: 'student', id: studentId }, ip, { contacts: contacts.length });
    });
    return ok(true);
  }

  /** The student, if on a roll the staff member may read (RollScope); undefined otherwise. */
  private async inScope(staff: SessionStaff, studentId: string): Promise<Pick<StudentsTable, 'id' | 'first_name' | 'last_name'> | undefined> {
    if (!canReadRoll(staff) || !(await this.ctx.scope.student(staff, studentId))) return undefined;
    return this.db.selectFrom('students').select(['id', 'first_name', 'last_name']).where('id', '=', studentId).executeTakeFirst();
  }
}
