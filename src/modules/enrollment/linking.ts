import { randomBytes } from 'node:crypto';
import { refusable, refuse } from '../../platform/db/refuse.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId, sha256 } from '../../platform/ids.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import { canKeepRoll } from '../access/roles.js';
import { linkStudent, unlinkStudent } from '../students/linking.js';
import type { RollContext } from './context.js';

/**
 * PRV-1, linking a family to a student on the roll (issue 15 point 12, ADR 0025). A student
 * enrolled from a permit is already the applying account's. Any other student (enrolled at the
 * counter, imported) is linked only by the school:
 *
 * - a one-time code the office creates for the student and hands to the guardian: shown once,
 *   only its hash kept, single use, expiring after LINK_CODE_DAYS, a new code voiding the old;
 *   the parent enters it signed in (rate-limited per account and per address by the route);
 * - or the office links the account of a guardian it has verified in person, by its email.
 *
 * Never by a name and a date of birth. Unlinking (a custody change) is the office's. Every change
 * by the office is in the audit log (PRV-2); a parent's every try is reported to `attempts`.
 * An emancipated student (ENR-5) links their own account the same way.
 */

/** How long a linking code is good for. */
export const LINK_CODE_DAYS = 14;
/** 32 letters and digits a person cannot mistake for one another (no I, O, 0, 1): 5 bits each. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 12;
const CODE_FORMAT = /^[A-HJ-NP-Z2-9]{12}$/;

/** A new code (60 random bits), grouped for reading aloud: `K7QD-M3XA-9PTE`. */
export function newLinkCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const raw = Array.from(bytes, (b) => ALPHABET[b & 31]).join('');
  return `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`;
}

/** The code as typed, in capitals without spaces or dashes; undefined when it cannot be a code. */
export function normalizeLinkCode(text: string): string | undefined {
  const s = text.toUpperCase().replace(/[\s-]/g, '');
  return CODE_FORMAT.test(s) ? s : undefined;
}

const hashOf = (normalized: string) => sha256(`link-code:${normalized}`);

/** A parent's try at a code, for the record: who, from where, what came of it, which student when one was found. */
export interface LinkAttempt {
  accountId: string;
  ip: string;
  outcome: 'linked' | 'malformed' | 'wrong' | 'expired' | 'used' | 'student-linked' | 'rate-limited';
  studentId?: string;
}
export type LinkAttempts = (attempt: LinkAttempt) => void | Promise<void>;

/**
 * PRV-1: a parent's try at a code, kept on the record (link_attempts), refused ones too — the
 * audit log is staff's. Through the writer: a try is a write outside any other transaction.
 */
export async function recordLinkAttempt(ctx: Pick<RollContext, 'deps'>, a: LinkAttempt): Promise<void> {
  const { writer, clock } = ctx.deps;
  await writer.run((trx) =>
    trx.insertInto('link_attempts').values({ id: newId(), at: clock.now().toISOString(), account_id: a.accountId, ip: a.ip, outcome: a.outcome, student_id: a.studentId ?? null }).execute(),
  );
}

export interface LinkStatus {
  student: { id: string; firstName: string; lastName: string };
  /** The family account linked, if any. */
  account: { id: string; email: string; firstName: string; lastName: string } | null;
  emancipated: boolean;
  /** The code still good, if one was created and not used (never the code itself). */
  pendingCode: { createdAt: string; expiresAt: string } | null;
}

const problem = (code: string, field?: string, params?: Record<string, string | number>): Err =>
  err(`linking.${code}`, `linking.errors.${code}`, { ...(field ? { field } : {}), ...(params ? { params } : {}) });
const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'linking.errors.forbidden');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** What is wrong with the office's linking form, every field at once: the email, the in-person check. */
export function linkAccountProblems(input: { email: string; verified: boolean }): Err[] {
  const email = input.email.trim().toLowerCase();
  const problems: Err[] = [];
  if (!email) problems.push(problem('email-missing', 'email'));
  else if (email.length > 254 || !EMAIL.test(email)) problems.push(problem('email-format', 'email'));
  if (!input.verified) problems.push(problem('verified-missing', 'verified'));
  return problems;
}

export class Linking {
  constructor(private ctx: RollContext) {}

  /** Who links and unlinks a family: the school office and district administrators. */
  canLink(staff: Pick<SessionStaff, 'role'>): boolean {
    return canKeepRoll(staff);
  }

  /** The student's link, for the office (in scope: a student on one of its schools' rolls). */
  async status(staff: SessionStaff, studentId: string): Promise<Result<LinkStatus>> {
    if (!(await this.ctx.scope.student(staff, studentId))) return notFound();
    const db = this.ctx.deps.db;
    const s = await db.selectFrom('students').select(['id', 'first_name', 'last_name', 'account_id']).where('id', '=', studentId).executeTakeFirst();
    if (!s) return notFound();
    const account = s.account_id
      ? await db.selectFrom('users').select(['id', 'email', 'first_name', 'last_name']).where('id', '=', s.account_id).executeTakeFirst()
      : undefined;
    const facts = await db.selectFrom('roll_students').select('emancipated').where('student_id', '=', studentId).executeTakeFirst();
    const now = this.ctx.deps.clock.now().toISOString();
    const code = await db
      .selectFrom('link_codes').select(['created_at', 'expires_at'])
      .where('student_id', '=', studentId).where('used_at', 'is', null).where('expires_at', '>', now)
      .orderBy('created_at', 'desc').executeTakeFirst();
    return ok({
      student: { id: s.id, firstName: s.first_name, lastName: s.last_name },
      account: account ? { id: account.id, email: account.email, firstName: account.first_name, lastName: account.last_name } : null,
      emancipated: Boolean(facts?.emancipated),
      pendingCode: code ? { createdAt: code.created_at, expiresAt: code.expires_at } : null,
    });
  }

  /**
   * A new one-time code for a student with no family account yet; any code not yet used is void
   * from now. The code is returned once and never kept: only its hash is.
   */
  async createCode(staff: SessionStaff, studentId: string, ip: string): Promise<Result<{ code: string; expiresAt: string; student: LinkStatus['student'] }>> {
    const found = await this.status(staff, studentId);
    if (!found.ok) return found;
    if (!this.canLink(staff)) return forbidden();
    if (found.value.account) return problem('already-linked');
    const code = newLinkCode();
    const now = this.ctx.deps.clock.now();
    const expiresAt = new Date(now.getTime() + LINK_CODE_DAYS * 86_400_000).toISOString();
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        // Two codes made at once: on PostgreSQL the student's row is locked until this commits, so
        // the later one voids the earlier (SQLite has one writer at a time already).
        if (this.ctx.deps.dialect === 'postgres') await trx.selectFrom('students').select('id').where('id', '=', studentId).forUpdate().execute();
        // A new code voids the old: it expires now.
        await trx.updateTable('link_codes').set({ expires_at: now.toISOString() }).where('student_id', '=', studentId).where('used_at', 'is', null).where('expires_at', '>', now.toISOString()).execute();
        await trx.insertInto('link_codes').values({
          id: newId(), student_id: studentId, code_hash: hashOf(normalizeLinkCode(code)!), created_by: staff.id, created_at: now.toISOString(), expires_at: expiresAt, used_at: null, used_by: null,
        }).execute();
        await this.ctx.audit.in(trx).record(staff, 'roll.link.code', { type: 'student', id: studentId }, ip, { expiresAt });
        return { code, expiresAt, student: found.value.student };
      }),
    );
  }

  /**
   * A signed-in parent enters a code: the student becomes the account's. Refused on the code
   * field when it is not a code, not one we gave, used, or expired; as a whole when the student
   * has meanwhile been linked to another account. Every try is reported to `attempts`.
   */
  async redeem(accountId: string, text: string, ip: string, attempts: LinkAttempts): Promise<Result<{ studentId: string; firstName: string }>> {
    const normalized = normalizeLinkCode(text);
    const report = (outcome: LinkAttempt['outcome'], studentId?: string) => attempts({ accountId, ip, outcome, ...(studentId ? { studentId } : {}) });
    if (!normalized) {
      await report('malformed');
      return problem(text.trim() ? 'code-format' : 'code-missing', 'code');
    }
    const db = this.ctx.deps.db;
    const row = await db.selectFrom('link_codes').selectAll().where('code_hash', '=', hashOf(normalized)).executeTakeFirst();
    if (!row) {
      await report('wrong');
      return problem('code-wrong', 'code');
    }
    if (row.used_at) {
      await report('used', row.student_id);
      return problem(row.used_by === accountId ? 'code-used-by-you' : 'code-used', 'code');
    }
    const now = this.ctx.deps.clock.now().toISOString();
    if (row.expires_at <= now) {
      await report('expired', row.student_id);
      return problem('code-expired', 'code');
    }
    const r = await refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        // Single use: only the first of two tries at once takes it.
        const taken = await trx.updateTable('link_codes').set({ used_at: now, used_by: accountId }).where('id', '=', row.id).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
        if (Number(taken.numUpdatedRows) !== 1) refuse(problem('code-used', 'code'));
        const linked = await linkStudent(trx, row.student_id, accountId, now);
        if (linked === 'taken' || linked === 'missing') refuse(problem('student-linked'));
        const s = await trx.selectFrom('students').select(['id', 'first_name']).where('id', '=', row.student_id).executeTakeFirstOrThrow();
        return { studentId: s.id, firstName: s.first_name };
      }),
    );
    await report(r.ok ? 'linked' : r.problem.code === 'linking.student-linked' ? 'student-linked' : 'used', row.student_id);
    return r;
  }

  /**
   * The office links the account of a guardian it has verified in person, found by the
   * account's email. The form must say the guardian was verified.
   */
  async linkAccount(staff: SessionStaff, studentId: string, input: { email: string; verified: boolean }, ip: string): Promise<Result<{ accountId: string }>> {
    const found = await this.status(staff, studentId);
    if (!found.ok) return found;
    if (!this.canLink(staff)) return forbidden();
    const problems = linkAccountProblems(input);
    if (problems.length) return problems[0];
    const email = input.email.trim().toLowerCase();
    if (found.value.account) return problem('already-linked');
    const account = await this.ctx.deps.db.selectFrom('users').select(['id']).where('email', '=', email).where('activated_at', 'is not', null).executeTakeFirst();
    if (!account) return problem('no-account', 'email');
    const now = this.ctx.deps.clock.now().toISOString();
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        const linked = await linkStudent(trx, studentId, account.id, now);
        if (linked === 'taken' || linked === 'missing') refuse(problem('already-linked'));
        // Codes not yet used are void: the student is linked.
        await trx.updateTable('link_codes').set({ expires_at: now }).where('student_id', '=', studentId).where('used_at', 'is', null).where('expires_at', '>', now).execute();
        await this.ctx.audit.in(trx).record(staff, 'roll.link.account', { type: 'student', id: studentId }, ip, { account: account.id, verifiedInPerson: true });
        return { accountId: account.id };
      }),
    );
  }

  /** A custody change: the office unlinks the family account; the parent no longer sees the student. */
  async unlink(staff: SessionStaff, studentId: string, ip: string): Promise<Result<{ accountId: string }>> {
    const found = await this.status(staff, studentId);
    if (!found.ok) return found;
    if (!this.canLink(staff)) return forbidden();
    const now = this.ctx.deps.clock.now().toISOString();
    return refusable(() =>
      this.ctx.deps.writer.run(async (trx) => {
        const was = await unlinkStudent(trx, studentId, now);
        if (!was) refuse(problem('not-linked'));
        await this.ctx.audit.in(trx).record(staff, 'roll.unlink', { type: 'student', id: studentId }, ip, { account: was });
        return { accountId: was };
      }),
    );
  }
}
