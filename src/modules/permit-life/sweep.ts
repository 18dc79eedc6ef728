import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { ApplicationsTable, Database } from '../../platform/db/schema.js';
import { translator } from '../../platform/i18n/translator.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { PERMIT_KINDS, type DistrictConfig } from '../districts/config-schema.js';
import { windowsFor } from '../districts/windows.js';
import { addDays, localDate } from '../../platform/clock.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import { noteRequest } from '../applications/lifecycle.js';
import { notifyParent } from '../decisions/notify.js';
import { schoolYearOf, shiftSchoolYear } from '../decisions/rules.js';
import type { PermitLifeRepository } from './repository.js';
import { renewalFor } from './service.js';

export interface PermitLifeSweepReport {
  /** DEC-12: provisional enrollments whose end was announced to the parent and the school. */
  provisionalWarnings: number;
  provisionalEnded: number;
  renewalReminders: number;
}

type Enrollment = ApplicationsTable & { pe_id: string; pe_school_id: string; first_day: string; ends_on: string };

/**
 * The time-based part of a permit's life (DEC-11, DEC-12), run by the deadline sweep. Like the
 * other steps, each change is a guarded UPDATE in the transaction that writes its emails (or an
 * email with a dedupe key): two sweeps at once, or one run twice, send each notice once.
 */
export class PermitLifeSweep {
  constructor(
    private deps: Deps,
    private repo: PermitLifeRepository,
  ) {}

  /** Every district, as of `now` in its time zone: registered as a background step (permit-life/module.ts). */
  async runAll(now: Date): Promise<PermitLifeSweepReport> {
    const report: PermitLifeSweepReport = { provisionalWarnings: 0, provisionalEnded: 0, renewalReminders: 0 };
    for (const district of this.deps.districts.all) {
      const r = await this.run(district, localDate(now, district.timeZone));
      report.provisionalWarnings += r.provisionalWarnings;
      report.provisionalEnded += r.provisionalEnded;
      report.renewalReminders += r.renewalReminders;
    }
    return report;
  }

  async run(district: DistrictConfig, today: string): Promise<PermitLifeSweepReport> {
    return {
      provisionalWarnings: await this.warnProvisional(district, today),
      provisionalEnded: await this.endProvisional(district, today),
      renewalReminders: await this.remindRenewals(district, today),
    };
  }

  private nowIso() {
    return this.deps.clock.now().toISOString();
  }

  /** Email the school's site administrators (in English; they read the staff pages). */
  private async tellSchool(trx: Transaction<Database>, e: Enrollment, district: DistrictConfig, template: string, key: string, params: Record<string, string | number>) {
    const admins = await this.repo.siteAdmins(trx, e.pe_school_id);
    for (const s of admins) {
      await enqueueEmail(trx, this.deps.catalogs, {
        dedupeKey: `${key}:staff:${s.id}`, to: s.email, language: 'en', template, signatureKey: 'permit-life.email.schoolSignature',
        params: {
          student: `${e.student_first_name} ${e.student_last_name}`, confirmation: formatConfirmationNumber(e.confirmation_number), district: district.name.en,
          link: `${this.deps.config.publicUrl}/staff/requests/${e.id}`, ...params,
        },
      }, this.nowIso());
    }
  }

  /**
   * DEC-12: on or after the warning day, while the request is undecided, the parent and the
   * school hear when the provisional enrollment ends and what happens then. Once.
   */
  async warnProvisional(district: DistrictConfig, today: string): Promise<number> {
    let n = 0;
    for (const e of (await this.repo.provisionalToWarn(district.slug, today)) as Enrollment[]) {
      const done = await this.deps.db.transaction().execute(async (trx) => {
        if (!(await this.repo.markWarned(trx, e.pe_id, this.nowIso()))) return false;
        const school = this.deps.districts.schoolById(e.pe_school_id)?.name ?? '';
        const lang = translator(this.deps.catalogs, e.language);
        await notifyParent(this.deps, trx, e, district, 'permit-life.email.provisionalWarning', `provisional-warning:${e.pe_id}`, { school, endsOn: lang.date(e.ends_on) });
        await this.tellSchool(trx, e, district, 'permit-life.email.schoolWarning', `provisional-warning:${e.pe_id}`, { school, endsOn: translator(this.deps.catalogs, 'en').date(e.ends_on) });
        await noteRequest(trx, { id: e.id, actor: 'system', at: this.nowIso(), status: e.status, note: `provisional-warning ${e.ends_on}` });
        return true;
      });
      if (done) n++;
    }
    return n;
  }

  /**
   * DEC-12: the last day passed without a permit: the student must return to the district of
   * residence. The parent and the school are told; the enrollment is marked ended. Once.
   */
  async endProvisional(district: DistrictConfig, today: string): Promise<number> {
    let n = 0;
    for (const e of (await this.repo.provisionalToEnd(district.slug, today)) as Enrollment[]) {
      const done = await this.deps.db.transaction().execute(async (trx) => {
        if (!(await this.repo.markEnded(trx, e.pe_id, this.nowIso()))) return false;
        const school = this.deps.districts.schoolById(e.pe_school_id)?.name ?? '';
        const lang = translator(this.deps.catalogs, e.language);
        await notifyParent(this.deps, trx, e, district, 'permit-life.email.provisionalEnded', `provisional-ended:${e.pe_id}`, { school, endsOn: lang.date(e.ends_on) });
        await this.tellSchool(trx, e, district, 'permit-life.email.schoolEnded', `provisional-ended:${e.pe_id}`, { school, endsOn: translator(this.deps.catalogs, 'en').date(e.ends_on) });
        await noteRequest(trx, { id: e.id, actor: 'system', at: this.nowIso(), status: e.status, note: `provisional-ended ${e.ends_on}` });
        return true;
      });
      if (done) n++;
    }
    return n;
  }

  /**
   * DEC-11: a permit that must be renewed each year, or that ends this school year: from
   * `renewalNoticeDays` before the district takes requests for the next year until that year
   * starts, the parent is reminded to apply again (email, and in the account). Once per permit
   * and year: the outbox's dedupe key.
   */
  async remindRenewals(district: DistrictConfig, today: string): Promise<number> {
    const current = schoolYearOf(today);
    // Most of the year no reminder is due: the sweep runs every minute, so ask the database only in season.
    const nextYear = shiftSchoolYear(current, 1);
    const nextStart = district.schoolYears.find((y) => y.year === nextYear)?.firstDay;
    const inSeason = PERMIT_KINDS.some((kind) => {
      const w = windowsFor(district, kind).find((x) => x.year === nextYear);
      return w && today >= addDays(w.opens, -district.permitLife.renewalNoticeDays) && (!nextStart || today < nextStart);
    });
    if (!inSeason) return 0;
    const permits = await this.repo.permitsToRenew(district.slug, current);
    if (permits.length === 0) return 0;
    const due = permits
      .map((p) => ({ p, r: renewalFor(district, p.kind, { first_year: p.first_year, last_year: p.last_year, renew_yearly: p.renew_yearly, status: 'active' }, today) }))
      .filter(({ r }) => {
        if (!r?.remindOn || !r.opens || today < r.remindOn) return false;
        const next = district.schoolYears.find((y) => y.year === r.nextYear);
        return !next || today < next.firstDay;
      })
      .map(({ p, r }) => ({ p, r: r!, key: `renewal:${p.permit_id}:${r!.nextYear}` }));
    if (due.length === 0) return 0;
    const used = await this.repo.usedKeys(due.map((d) => d.key));
    let n = 0;
    for (const { p, r, key } of due) {
      if (used.has(key)) continue;
      const lang = translator(this.deps.catalogs, p.language);
      const code = p.language as 'en' | 'es';
      await this.deps.db.transaction().execute(async (trx) => {
        await notifyParent(this.deps, trx, p, district, `permit-life.email.renewal.${r.why}`, key, {
          school: this.deps.districts.schoolById(p.permit_school_id)?.name ?? '',
          lastYear: p.last_year,
          nextYear: r.nextYear,
          opens: lang.date(r.opens!),
          reason: r.reasonLabel ? (r.reasonLabel[code] ?? r.reasonLabel.en) : lang.t('permit-life.renewal.continuingEnrollment'),
          applyLink: `${this.deps.config.publicUrl}${r.applyPath}`,
        });
      });
      n++;
    }
    return n;
  }
}
