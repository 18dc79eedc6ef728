import type { Deps } from '../../deps.js';
import { addDays, localDate } from '../../platform/clock.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import { newId } from '../../platform/ids.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { appealDeadline } from '../districts/deadlines.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import { asStatus, hasNote, moveRequest, noteRequest } from '../applications/lifecycle.js';
import type { DecisionsRepository } from './repository.js';
import { notifyParent } from './notify.js';
import { translator } from '../../platform/i18n/translator.js';

export interface DeadlinesReport {
  abandoned: number;
  deemedDenied: number;
  appealWindowsClosed: number;
  staffReminders: number;
}

/** How far ahead staff are reminded of decisions coming due. */
const REMIND_DAYS = 3;

/**
 * Time-based transitions (DEC-4, DEC-15, DEC-17, DEC-8). Each step looks at "today" in the
 * district's time zone, changes a request only with a guarded UPDATE, and sends its notice in
 * the same transaction: running it twice, or from two processes at once, changes nothing more.
 * Registered as a background step by the module's declaration (decisions/module.ts): the app runs
 * it every minute; `npm run cli -- sweep` runs it on demand.
 */
export class DecisionDeadlines {
  constructor(
    private deps: Deps,
    private repo: DecisionsRepository,
  ) {}

  async run(now: Date): Promise<DeadlinesReport> {
    const report: DeadlinesReport = { abandoned: 0, deemedDenied: 0, appealWindowsClosed: 0, staffReminders: 0 };
    for (const district of this.deps.districts.all) {
      const today = localDate(now, district.timeZone);
      // Abandonment first: a request the parent let lapse is not a denial (DEC-16).
      report.abandoned += await this.abandonLapsedInfoRequests(district, today);
      report.abandoned += await this.abandonIncomplete(district, today);
      report.deemedDenied += await this.deemDenied(district, today);
      report.appealWindowsClosed += await this.closeAppealWindows(district, today);
      report.staffReminders += await this.remindStaff(district, today);
    }
    return report;
  }

  /** A date written out in the parent's language, as every email and letter writes it. */
  private longDate(isoDate: string, lang: string) {
    return translator(this.deps.catalogs, lang).date(isoDate);
  }

  private nowIso() {
    return this.deps.clock.now().toISOString();
  }

  /** Moves one request to a closing status and records a decision and notice, if nobody else did first. */
  private async close(app: ApplicationsTable, district: DistrictConfig, to: 'abandoned' | 'deemed_denied', decidedOn: string, why: string, template: string, params: Record<string, string>, appealUntil: string | null) {
    return this.deps.db.transaction().execute(async (trx) => {
      if (!(await moveRequest(trx, { id: app.id, from: asStatus(app.status), to, actor: 'system', at: this.nowIso(), note: why }))) return false;
      const id = newId();
      await this.repo.insertDecision(trx, {
        id, application_id: app.id, kind: to, reasons: JSON.stringify([why]), note: null, decided_on: decidedOn, decided_at: this.nowIso(),
        decided_by: null, appeal_until: appealUntil, no_appeal_reason: appealUntil ? null : 'abandoned', language: app.language,
      });
      await this.repo.closeOpenInfoRequests(trx, app.id, this.nowIso(), 'closed_at');
      await notifyParent(this.deps, trx, app, district, template, `decision:${id}`, params);
      return true;
    });
  }

  /** DOC-4, DEC-4: the due date of a request for missing items passed without an answer. */
  private async abandonLapsedInfoRequests(district: DistrictConfig, today: string): Promise<number> {
    const lapsed = await this.repo.lapsedInfoRequests(district.slug, today);
    let n = 0;
    const seen = new Set<string>();
    for (const { due_on, ...app } of lapsed) {
      if (seen.has(app.id) || blockedByLaw(app)) continue;
      seen.add(app.id);
      if (await this.close(app, district, 'abandoned', today, 'info-request-lapsed', 'decisions.email.abandoned', { due: this.longDate(due_on, app.language) }, null)) n++;
    }
    return n;
  }

  /** DEC-17: an application still incomplete N days after it was received (district setting). */
  private async abandonIncomplete(district: DistrictConfig, today: string): Promise<number> {
    const days = district.abandonment.incompleteDays;
    const candidates = await this.repo.withStatus(district.slug, 'incomplete');
    let n = 0;
    for (const app of candidates) {
      if (blockedByLaw(app)) continue;
      // A forwarded request counts from the day it reached this district, not its place in the queue.
      const lastDay = addDays(localDate(new Date(app.arrived_at ?? app.received_at), district.timeZone), days);
      if (today <= lastDay) continue;
      if (await this.close(app, district, 'abandoned', today, 'incomplete', 'decisions.email.abandoned', { due: this.longDate(lastDay, app.language) }, null)) n++;
    }
    return n;
  }

  /**
   * DEC-15: no written decision by the DEC-3 deadline is a denial, on the day after it. The
   * appeal window counts from that day, whenever the sweep runs; the parent is told at once.
   */
  private async deemDenied(district: DistrictConfig, today: string): Promise<number> {
    const late = await this.repo.undecidedPastDue(district.slug, today);
    let n = 0;
    for (const app of late) {
      if (!deemable(app)) continue;
      const deemedOn = addDays(app.decision_due_on!, 1);
      const until = appealDeadline(deemedOn, district.appeals.days);
      const lang = app.language as 'en' | 'es';
      const params = { due: this.longDate(app.decision_due_on!, lang), appealUntil: this.longDate(until, lang), office: district.appeals.office[lang] ?? district.appeals.office.en };
      if (await this.close(app, district, 'deemed_denied', deemedOn, 'no-decision-by-deadline', 'decisions.email.deemedDenied', params, until)) n++;
    }
    return n;
  }

  /** DEC-8: no appeal recorded by the last day: the denial is final; noted once on the history. */
  private async closeAppealWindows(district: DistrictConfig, today: string): Promise<number> {
    const open = await this.repo.denialsPastAppealWindow(district.slug, today);
    let n = 0;
    for (const d of open) {
      const note = `appeal-window-closed:${d.id}`;
      const done = await hasNote(this.deps.db, d.application_id, note);
      if (done) continue;
      await noteRequest(this.deps.db, { id: d.application_id, actor: 'system', at: this.nowIso(), status: d.status, note });
      n++;
    }
    return n;
  }

  /** Once a day, the district's deciding staff get the list of decisions due within a few days. */
  private async remindStaff(district: DistrictConfig, today: string): Promise<number> {
    const due = await this.repo.undecidedDueBetween(district.slug, today, addDays(today, REMIND_DAYS));
    if (due.length === 0) return 0;
    const staff = await this.repo.decidingStaff(district.slug);
    const list = due.map((d) => `- ${formatConfirmationNumber(d.confirmation_number)} (${d.student_last_name}): ${this.longDate(d.decision_due_on!, 'en')}`).join('\n');
    let n = 0;
    await this.deps.db.transaction().execute(async (trx) => {
      for (const s of staff) {
        const before = await trx.selectFrom('outbox').select('id').where('dedupe_key', '=', `staff-reminder:${s.id}:${today}`).executeTakeFirst();
        if (before) continue;
        await enqueueEmail(trx, this.deps.catalogs, {
          dedupeKey: `staff-reminder:${s.id}:${today}`, to: s.email, language: 'en', template: 'decisions.email.staffReminder', signatureKey: 'common.staffEmailSignature',
          params: { count: due.length, days: REMIND_DAYS, list, link: `${this.deps.config.publicUrl}/staff/dashboard` },
        }, this.nowIso());
        n++;
      }
    });
    return n;
  }
}

/**
 * DEC-19: a priority release already went to the receiving district, which decides. Nothing on
 * the district of residence's side — its silence, or its paperwork lapsing — can block it, so
 * the sweep neither deems it denied nor abandons it.
 */
function blockedByLaw(app: ApplicationsTable): boolean {
  return app.kind === 'outgoing' && app.priority === 1 && app.linked_application_id !== null;
}

/**
 * DEC-15 is the inter-district rule (EC 46600.1): its deemed denial carries a county appeal. A
 * school change inside a district is decided by its two schools and is not deemed denied.
 */
const deemable = (app: ApplicationsTable): boolean => app.kind !== 'intra' && !blockedByLaw(app);
