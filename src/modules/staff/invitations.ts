import { z } from 'zod';
import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database, StaffRole } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { translator } from '../../platform/i18n/translator.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { err, ok, type Result } from '../../platform/result.js';
import { sha256 } from '../../platform/ids.js';
import type { DistrictConfig, Localized } from '../districts/config-schema.js';
import { canManageDistrict } from '../access/roles.js';
import { ACTIVATION_DAYS, SCHOOL_SCOPED_ROLES, STAFF_ROLES, StaffService } from './service.js';

// Letters of any language, spaces, hyphens, apostrophes and periods: never markup.
const NAME = /^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u;
const name = (requiredKey: string) =>
  z.string().trim().min(1, requiredKey).max(50, 'accounts.errors.nameTooLong').regex(NAME, 'accounts.errors.nameCharacters');
const email = z
  .string()
  .trim()
  .min(1, 'team.errors.emailRequired')
  .max(254, 'accounts.errors.emailTooLong')
  .email('team.errors.emailFormat')
  .transform((s) => s.toLowerCase());

/** Each school is its own checkbox, `school_<code>`, so the form keeps every one that was ticked. */
export const schoolField = (code: string): string => `school_${code}`;

/** Whether a role works at given schools (a site administrator, a school's office, a teacher). */
const schoolScoped = (role: unknown): boolean => (SCHOOL_SCOPED_ROLES as readonly unknown[]).includes(role);

/**
 * The invitation form of a district. Schools are required for the roles that work at given
 * schools (a site administrator, a school's office, a teacher: PRV-1) and only kept for those;
 * every problem shows at once (`when`), as on the parents' forms.
 */
export function inviteSchema(district: DistrictConfig) {
  const withSchools = (v: unknown) => {
    const o = (v ?? {}) as Record<string, unknown>;
    return { ...o, schools: district.schools.map((s) => s.code).filter((code) => o[schoolField(code)] === 'yes') };
  };
  return z.preprocess(
    withSchools,
    z
      .object({
        first_name: name('team.errors.firstNameRequired'),
        last_name: name('team.errors.lastNameRequired'),
        email,
        role: z.enum(STAFF_ROLES as [StaffRole, ...StaffRole[]], { message: 'team.errors.roleRequired' }),
        schools: z.array(z.string()),
      })
      .refine((v) => !schoolScoped(v.role) || v.schools.length > 0, {
        path: ['schools'],
        message: 'team.errors.schoolsRequired',
        when: (p) => schoolScoped((p.value as { role?: unknown }).role),
      })
      .transform((v) => ({ ...v, schools: schoolScoped(v.role) ? v.schools : [] })),
  );
}

export type Invite = z.infer<ReturnType<typeof inviteSchema>>;

export interface TeamMember {
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  role: StaffRole;
  /** School names, for the roles that work at given schools. */
  schools: string[];
  status: 'active' | 'pending' | 'expired';
}

/** The service's refusals that belong beside a form field. */
const FIELD_OF: Record<string, { field: string; key: string }> = {
  exists: { field: 'email', key: 'team.errors.exists' },
  'bad-email': { field: 'email', key: 'team.errors.emailFormat' },
  'no-schools': { field: 'schools', key: 'team.errors.schoolsRequired' },
  'bad-school': { field: 'schools', key: 'team.errors.schoolsRequired' },
};

/**
 * District administrators invite further staff of their own district by email; the first
 * administrator of a district is made by the command line. Anyone else finds nothing here.
 */
export class StaffInvitations {
  private staff: StaffService;
  constructor(private deps: Deps) {
    this.staff = new StaffService(deps);
  }

  /** Only a district administrator manages staff, and only of their own district. */
  canManage(admin: SessionStaff): boolean {
    return canManageDistrict(admin) && Boolean(this.deps.districts.get(admin.districtId));
  }

  district(admin: SessionStaff): DistrictConfig {
    return this.deps.districts.get(admin.districtId)!;
  }

  async list(admin: SessionStaff): Promise<Result<TeamMember[]>> {
    if (!this.canManage(admin)) return err('not-found', 'common.notFound.message');
    const district = this.district(admin);
    const db = this.deps.db;
    const rows = await db
      .selectFrom('staff')
      .select(['id', 'first_name', 'last_name', 'email', 'role', 'activated_at'])
      .where('district_id', '=', district.slug)
      .orderBy('last_name')
      .orderBy('first_name')
      .orderBy('email')
      .execute();
    const ids = rows.map((r) => r.id);
    const [schools, tokens] = ids.length
      ? await Promise.all([
          db.selectFrom('staff_schools').select(['staff_id', 'school_id']).where('staff_id', 'in', ids).execute(),
          db.selectFrom('staff_tokens').select(['staff_id', 'expires_at']).where('staff_id', 'in', ids).where('purpose', '=', 'activate').where('used_at', 'is', null).execute(),
        ])
      : [[], []];
    const nowIso = this.deps.clock.now().toISOString();
    const schoolName = (id: string) => district.schools.find((s) => `${district.slug}:${s.code}` === id)?.name ?? id;
    return ok(
      rows.map((r) => ({
        id: r.id,
        first_name: r.first_name,
        last_name: r.last_name,
        email: r.email,
        role: r.role,
        schools: schools.filter((s) => s.staff_id === r.id).map((s) => schoolName(s.school_id)).sort(),
        status: r.activated_at ? 'active' : tokens.some((tk) => tk.staff_id === r.id && tk.expires_at > nowIso) ? 'pending' : 'expired',
      })),
    );
  }

  /**
   * Creates the account and puts its activation email in the outbox in one transaction.
   * `language` is the language of the email (staff accounts have none of their own yet).
   */
  async invite(admin: SessionStaff, input: Invite, language: string): Promise<Result<{ id: string }>> {
    if (!this.canManage(admin)) return err('not-found', 'common.notFound.message');
    const district = this.district(admin);
    const r = await this.staff.create(
      { districtSlug: district.slug, email: input.email, firstName: input.first_name, lastName: input.last_name, role: input.role, schoolCodes: input.schools },
      (trx, created) => this.sendInvitation(trx, admin, { id: created.id, email: created.email, first_name: input.first_name, role: input.role }, created.activationLink, language),
    );
    if (r.ok) return ok({ id: r.value.id });
    const field = FIELD_OF[r.problem.code];
    return field ? err(r.problem.code, field.key, { field: field.field }) : r;
  }

  /** A new activation link by email for an account of the admin's district not yet activated. Earlier links stay valid until they expire. */
  async resend(admin: SessionStaff, staffId: string, language: string): Promise<Result<{ email: string }>> {
    if (!this.canManage(admin)) return err('not-found', 'common.notFound.message');
    const member = await this.deps.db
      .selectFrom('staff')
      .select(['id', 'email', 'first_name', 'role', 'activated_at'])
      .where('id', '=', staffId)
      .where('district_id', '=', admin.districtId)
      .executeTakeFirst();
    if (!member) return err('not-found', 'common.notFound.message');
    if (member.activated_at) return err('already-active', 'team.alreadyActive', { params: { email: member.email } });
    await this.deps.db.transaction().execute(async (trx) => {
      const link = await this.staff.issueActivation(trx, member.id);
      await this.sendInvitation(trx, admin, member, link, language);
    });
    return ok({ email: member.email });
  }

  private async sendInvitation(
    trx: Transaction<Database>,
    admin: SessionStaff,
    member: { id: string; email: string; first_name: string; role: StaffRole },
    link: string,
    language: string,
  ): Promise<void> {
    const { t, lang } = translator(this.deps.catalogs, language);
    const district = this.district(admin);
    await enqueueEmail(trx, this.deps.catalogs, {
      dedupeKey: `staff-activation:${sha256(link)}`,
      to: member.email,
      language: lang,
      template: 'team.email.invite',
      signatureKey: 'common.staffEmailSignature',
      // The new colleague has no language of their own yet: the activation page opens in the invitation's.
      linksCarryLanguage: true,
      params: {
        firstName: member.first_name,
        inviter: `${admin.firstName} ${admin.lastName}`,
        district: district.name[lang as keyof Localized] ?? district.name.en,
        role: t(`team.roles.${member.role}`),
        link,
        days: ACTIVATION_DAYS,
      },
      // The outbox's account is a parent's account; staff invitations have none.
      accountId: null,
    }, this.deps.clock.now().toISOString());
  }
}
