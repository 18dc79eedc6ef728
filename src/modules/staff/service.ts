import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database, StaffRole } from '../../platform/db/schema.js';
import { isUniqueViolation } from '../../platform/db/kysely.js';
import { newId, newToken, sha256 } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { schoolId } from '../districts/catalog.js';
import { brokenPasswordRules, passwordRuleKey } from '../accounts/password-rules.js';
import { StaffRepository } from './repository.js';

export const STAFF_ROLES: readonly StaffRole[] = ['district_admin', 'permit_staff', 'site_admin', 'auditor', 'school_office', 'teacher'];

/** The roles that work at given schools and need at least one (PRV-1): site administrators, a school's office, teachers. */
export const SCHOOL_SCOPED_ROLES: readonly StaffRole[] = ['site_admin', 'school_office', 'teacher'];
export const ACTIVATION_DAYS = 7;
const ACTIVATION_TTL_MS = ACTIVATION_DAYS * 24 * 3_600_000;

/** Staff accounts: each belongs to one district; site administrators to some of its schools. */
export class StaffService {
  readonly repo: StaffRepository;
  constructor(private deps: Deps) {
    this.repo = new StaffRepository(deps.db);
  }

  /**
   * Creates a staff account and returns its single-use activation link. `also` runs in the same
   * transaction (an invitation email in the outbox): if it fails, no account is saved.
   */
  async create(
    input: { districtSlug: string; email: string; firstName: string; lastName: string; role: StaffRole; schoolCodes?: string[] },
    also?: (trx: Transaction<Database>, created: { id: string; email: string; activationLink: string }) => Promise<void>,
  ): Promise<Result<{ id: string; activationLink: string }>> {
    const district = this.deps.districts.get(input.districtSlug);
    if (!district) return err('no-district', 'staff.errors.noDistrict');
    if (!STAFF_ROLES.includes(input.role)) return err('bad-role', 'staff.errors.badRole');
    const email = input.email.trim().toLowerCase();
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) return err('bad-email', 'staff.errors.badEmail');
    if (await this.repo.byEmail(email)) return err('exists', 'staff.errors.exists');
    const codes = input.schoolCodes ?? [];
    if (SCHOOL_SCOPED_ROLES.includes(input.role) && codes.length === 0) return err('no-schools', 'staff.errors.noSchools');
    const unknown = codes.filter((c) => !district.schools.some((s) => s.code === c));
    if (unknown.length) return err('bad-school', 'staff.errors.badSchool', { params: { codes: unknown.join(', ') } });
    const nowIso = this.deps.clock.now().toISOString();
    const id = newId();
    try {
      const activationLink = await this.deps.db.transaction().execute(async (trx) => {
        const row = { id, district_id: district.slug, email, first_name: input.firstName, last_name: input.lastName, role: input.role, password_hash: null, activated_at: null, created_at: nowIso, updated_at: nowIso };
        await this.repo.insert(trx, row, codes.map((c) => schoolId(district.slug, c)));
        const link = await this.issueActivation(trx, id);
        await also?.(trx, { id, email, activationLink: link });
        return link;
      });
      return ok({ id, activationLink });
    } catch (e) {
      if (isUniqueViolation(e)) return err('exists', 'staff.errors.exists'); // two creations raced: the first one stands
      throw e;
    }
  }

  /** A new single-use activation link for an account, valid for ACTIVATION_DAYS; earlier links stay valid until they expire. */
  async issueActivation(trx: Transaction<Database>, staffId: string): Promise<string> {
    const now = this.deps.clock.now();
    const token = newToken();
    await this.repo.insertToken(trx, { token_hash: sha256(token), staff_id: staffId, expires_at: new Date(now.getTime() + ACTIVATION_TTL_MS).toISOString(), created_at: now.toISOString() });
    return `${this.deps.config.publicUrl}/staff/activate/${token}`;
  }

  async validToken(token: string) {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
    const row = await this.repo.token(sha256(token));
    if (!row || row.used_at || row.expires_at <= this.deps.clock.now().toISOString()) return undefined;
    return this.repo.byId(row.staff_id);
  }

  async activate(token: string, password: string, confirm: string): Promise<Result<string> | { ok: false; passwordKeys: string[]; field: string }> {
    const staff = await this.validToken(token);
    if (!staff) return err('token-invalid', 'accounts.errors.linkInvalid');
    const broken = brokenPasswordRules(password, staff.email);
    if (broken.length) return { ok: false, passwordKeys: broken.map(passwordRuleKey), field: 'password' };
    if (password !== confirm) return { ok: false, passwordKeys: ['accounts.errors.passwordMismatch'], field: 'password_confirm' };
    // When the hasher is busy nothing is written: the link stays unused for the next try.
    const hashed = await this.deps.passwords.hash(password);
    if (!hashed.ok) return hashed;
    const hash = hashed.value;
    if (!(await this.repo.activate(sha256(token), staff.id, hash, this.deps.clock.now().toISOString()))) return err('token-invalid', 'accounts.errors.linkInvalid');
    return ok(staff.id);
  }

  async signIn(email: string, password: string): Promise<Result<string>> {
    const staff = await this.repo.byEmail(email.trim().toLowerCase());
    // An unknown address is checked against a dummy hash at the same cost (no enumeration).
    const checked = await this.deps.passwords.verify(staff?.password_hash, password);
    if (!checked.ok) return checked;
    if (!staff?.password_hash || !checked.value.matches || !staff.activated_at) return err('sign-in-failed', 'accounts.errors.signInFailed');
    if (checked.value.rehash) {
      // A hash made at other parameters is replaced by one at the configured ones (ADR 0023).
      const fresh = await this.deps.passwords.hash(password);
      if (fresh.ok) await this.repo.replacePasswordHash(staff.id, staff.password_hash, fresh.value);
    }
    return ok(staff.id);
  }
}
