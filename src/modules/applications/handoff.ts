import type { Transaction } from 'kysely';
import type { Deps } from '../../deps.js';
import type { Database, DocumentsTable } from '../../platform/db/schema.js';
import { localDate } from '../../platform/clock.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { schoolId } from '../districts/catalog.js';
import { decisionDueDate } from '../districts/deadlines.js';
import { insertApplication, NO_KIND_COLUMNS } from './insert-request.js';
import { ApplicationsRepository, type ApplicationRow } from './repository.js';
import { recordOpening } from './lifecycle.js';

/** The reason an incoming request takes when the receiving district has none of the release's code. */
const FALLBACK_REASONS = ['exception', 'other'];

/**
 * The documents a release carries to the request it becomes, kept by the documents module and
 * handed in at the top (modules/index.ts): applications is below documents. Both in the
 * hand-off's transaction.
 */
export interface CarriedDocuments {
  /** The release's documents the receiving district takes: all but the rejected ones. */
  of(trx: Transaction<Database>, releaseId: string): Promise<DocumentsTable[]>;
  /** Copies them onto the new request, as received and sent with the release. */
  copy(trx: Transaction<Database>, docs: DocumentsTable[], toApplicationId: string): Promise<void>;
}

/**
 * DEC-5, DEC-16, DEC-19: when both districts run here, a release becomes an incoming request of
 * the receiving district by itself — no paper carried between offices. The incoming request
 * keeps the release's place in the queue (its date received, DEC-1), brings the release's
 * documents, and counts the release itself as the "approved release" document, so the parent
 * is never asked for it again.
 */
export class Handoff {
  private repo: ApplicationsRepository;

  constructor(private deps: Deps, private documents: CarriedDocuments) {
    this.repo = new ApplicationsRepository(deps.db);
  }

  /** The receiving district's reason for the release's: the same code when it has it. */
  reasonFor(receiving: DistrictConfig, code: string) {
    const list = this.deps.districts.reasonsFor(receiving, 'incoming');
    return list.find((r) => r.code === code) ?? list.find((r) => FALLBACK_REASONS.includes(r.code)) ?? list[0];
  }

  /**
   * Creates the incoming request for a release, inside the caller's transaction. Running it
   * twice for one release returns the first request (its submission key is the release's id).
   */
  async forward(trx: Transaction<Database>, release: ApplicationRow, opts: { byLaw: boolean }): Promise<ApplicationRow | null> {
    if (release.kind !== 'outgoing' || !release.target_district_slug) return null;
    const receiving = this.deps.districts.get(release.target_district_slug);
    if (!receiving) return null;
    const reason = this.reasonFor(receiving, release.reason_code);
    const year = receiving.schoolYears.find((y) => y.year === release.school_year);
    // Its deadline (DEC-3) runs from the day this district receives it — today — not from the day the release was asked.
    const receivedHere = localDate(this.deps.clock.now(), receiving.timeZone);
    const docs = await this.documents.of(trx, release.id);
    const missing = this.deps.districts
      .checklist(receiving, 'incoming', reason.code)
      .filter((c) => c.required && c.code !== 'release' && !docs.some((d) => d.doc_type === c.code));
    const school = release.target_school ? receiving.schools.find((s) => s.code === release.target_school) : undefined;
    const now = this.deps.clock.now().toISOString();
    const lang = release.language as 'en' | 'es';
    const from = this.deps.districts.get(release.district_id)!;
    const { application } = await insertApplication(
      this.deps,
      this.repo,
      {
        ...NO_KIND_COLUMNS,
        kind: 'incoming',
        account_id: release.account_id,
        student_id: release.student_id,
        district_id: receiving.slug,
        school_year: release.school_year,
        grade_requested: release.grade_requested,
        current_grade: release.current_grade,
        reason_code: reason.code,
        requested_school_id: school ? schoolId(receiving.slug, school.code) : null,
        relationship: release.relationship,
        decision_email: release.decision_email,
        language: release.language,
        status: missing.length ? 'incomplete' : 'submitted',
        submission_key: `handoff:${release.id}`,
        student_first_name: release.student_first_name,
        student_last_name: release.student_last_name,
        student_date_of_birth: release.student_date_of_birth,
        // Its place in the receiving district's queue is the day the parent first asked (DEC-1).
        received_at: release.received_at,
        arrived_at: now,
        updated_at: now,
        decision_due_on: year ? decisionDueDate(receivedHere, year.firstDay) : null,
        priority: reason.priority ? 1 : 0,
        linked_application_id: release.id,
      },
      {
        template: 'applications.emails.forwarded',
        params: {
          student: `${release.student_first_name} ${release.student_last_name}`,
          district: receiving.name[lang] ?? receiving.name.en,
          from: from.name[lang] ?? from.name.en,
          schoolYear: release.school_year,
        },
      },
      {
        actor: 'system',
        note: opts.byLaw ? `forwarded from release ${release.confirmation_number} (DEC-19: the district of residence cannot block it)` : `forwarded from approved release ${release.confirmation_number}`,
        trx,
        also: async (t, row) => {
          if (docs.length) await this.documents.copy(t, docs, row.id);
          await this.repo.link(t, release.id, row.id, now);
          await recordOpening(t, { id: release.id, actor: 'system', at: now, status: release.status, note: `sent to ${receiving.shortName} as ${row.confirmation_number}` });
        },
      },
    );
    return application;
  }
}
