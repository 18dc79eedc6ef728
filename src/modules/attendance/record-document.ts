import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { newId } from '../../platform/ids.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import { translator } from '../../platform/i18n/translator.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import { canChangeRecords } from '../access/roles.js';
import type { AttendanceSnapshot } from '../decisions/attendance-hooks.js';
import { formatVerificationCode, generateVerificationCode, normalizeVerificationCode, verificationLink } from '../decisions/rules.js';
import { DocumentsService } from '../documents/service.js';
import { attendanceRecordOf } from './record.js';

export interface IssuedRecord {
  code: string;
  documentId: string;
  /** Issued before today for this request: the same record, not a second one. */
  again: boolean;
}

/** What the public check of a record's code shows: initials only, the issuing district, the record. */
export interface VerifiedRecord {
  code: string;
  initials: string;
  /** The issuing district's name in each language. */
  district: Record<string, string>;
  issuedOn: string;
  record: AttendanceSnapshot;
}

/**
 * Issue 16 point 10: when the district of residence keeps the student's attendance here, the
 * permit office issues the request's "latest attendance record" document from it (the district
 * names that document: `attendance.recordDocument`), so the family need not fetch one. It is a
 * PDF of the record (attendance/record.ts) with a verification code and a QR code, like a
 * permit; anyone holding it checks it at /attendance-records/verify. Once a day per request: a
 * second click the same day gives the same document.
 */
export class AttendanceRecordDocuments {
  private documents: DocumentsService;
  constructor(private deps: Deps, private requests: RequestScope, private audit: AuditLog) {
    this.documents = new DocumentsService(deps);
  }

  /** Whether this staff member may issue the record for this request now, and the records issued before. */
  async offer(staff: SessionStaff, app: ApplicationsTable, hasRecord: boolean): Promise<{ canIssue: boolean; issued: { code: string; issuedOn: string }[] }> {
    const district = this.deps.districts.get(app.district_id);
    const issued = await this.deps.db.selectFrom('attendance_records').select(['verification_code', 'issued_on']).where('application_id', '=', app.id).orderBy('issued_at').execute();
    return {
      canIssue: hasRecord && canChangeRecords(staff) && Boolean(district?.attendance.recordDocument),
      issued: issued.map((r) => ({ code: formatVerificationCode(r.verification_code), issuedOn: r.issued_on })),
    };
  }

  async issue(staff: SessionStaff, applicationId: string, ip: string): Promise<Result<IssuedRecord>> {
    const app = await this.requests.request(staff, applicationId);
    if (!app) return err('not-found', 'common.notFound.message');
    if (!canChangeRecords(staff)) return err('forbidden', 'attendance-record.errors.forbidden');
    const district = this.deps.districts.get(app.district_id)!;
    const docType = district.attendance.recordDocument;
    if (!docType) return err('not-offered', 'attendance-record.errors.notOffered');
    const today = localDate(this.deps.clock.now(), district.timeZone);
    const todays = () => this.deps.db.selectFrom('attendance_records').select(['verification_code', 'document_id']).where('application_id', '=', app.id).where('issued_on', '=', today).executeTakeFirst();
    const before = await todays();
    if (before) return ok({ code: before.verification_code, documentId: before.document_id, again: true });
    const record = await attendanceRecordOf(this.deps.db, this.deps.districts, { studentId: app.student_id, asOf: today });
    if (!record) return err('no-record', 'attendance-record.errors.noRecord');
    const code = generateVerificationCode();
    const i18n = translator(this.deps.catalogs, app.language, district.timeZone);
    const pdf = await this.pdf(app, record, code, i18n);
    const at = this.deps.clock.now().toISOString();
    try {
      const documentId = await this.documents.recordMade(app, { docType, fileName: `${i18n.t('attendance-record.pdf.fileName')}-${today}.pdf`, pdf }, `staff:${staff.id}`, async (trx, documentId) => {
        await trx.insertInto('attendance_records').values({ id: newId(), application_id: app.id, student_id: app.student_id, district_id: district.slug, verification_code: code, record: JSON.stringify(record), document_id: documentId, issued_on: today, issued_at: at, issued_by: `staff:${staff.id}` }).execute();
        // PRV-2: a change of the request's record, naming the student whose attendance it carries.
        await this.audit.in(trx).record(staff, 'attendance.record.issue', { type: 'application', id: app.id }, ip, { student: app.student_id, document: documentId, code });
      });
      return ok({ code, documentId, again: false });
    } catch (e) {
      // Two clicks at once: the other one issued today's record (one per request and day).
      const other = await todays();
      if (other) return ok({ code: other.verification_code, documentId: other.document_id, again: true });
      throw e;
    }
  }

  /** The public check of a printed record's code. */
  async verify(raw: string): Promise<VerifiedRecord | undefined> {
    const code = normalizeVerificationCode(raw);
    if (!/^[0-9A-Z]{10}$/.test(code)) return undefined;
    const row = await this.deps.db
      .selectFrom('attendance_records as r')
      .innerJoin('applications as a', 'a.id', 'r.application_id')
      .select(['r.verification_code', 'r.record', 'r.issued_on', 'r.district_id', 'a.student_first_name', 'a.student_last_name'])
      .where('r.verification_code', '=', code)
      .executeTakeFirst();
    if (!row) return undefined;
    const district = this.deps.districts.get(row.district_id);
    return {
      code: formatVerificationCode(row.verification_code),
      // Initials only: the code proves the record, not who the student is to a stranger.
      initials: `${row.student_first_name.slice(0, 1)}. ${row.student_last_name.slice(0, 1)}.`,
      district: district ? { ...district.name } : { en: row.district_id },
      issuedOn: row.issued_on,
      record: JSON.parse(row.record) as AttendanceSnapshot,
    };
  }

  /** The record as a printable page, in the request's language. */
  private async pdf(app: ApplicationsTable, record: AttendanceSnapshot, code: string, i18n: ReturnType<typeof translator>): Promise<Buffer> {
    const { t } = i18n;
    const district = this.deps.districts.get(app.district_id)!;
    const lang = i18n.lang as 'en' | 'es';
    const doc = createPdf({ title: t('attendance-record.pdf.title'), language: i18n.lang, author: district.name[lang] ?? district.name.en });
    const verifyUrl = `${this.deps.config.publicUrl}/attendance-records/verify`;
    doc.title(t('attendance-record.pdf.title'));
    doc.fields([
      [t('attendance-record.pdf.student'), `${app.student_first_name} ${app.student_last_name}`],
      [t('attendance-record.pdf.birthDate'), i18n.date(app.student_date_of_birth)],
      [t('attendance-record.pdf.issuedBy'), district.name[lang] ?? district.name.en],
      [t('attendance-record.pdf.asOf'), i18n.date(record.asOf)],
    ]);
    doc.paragraph(t('attendance-record.pdf.intro'));
    const rate = (n: number) => `${n.toLocaleString(`${i18n.lang}-US`, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;
    doc.table(
      [t('attendance-record.school'), t('attendance-record.daysEnrolled'), t('attendance-record.daysAbsent'), t('attendance-record.daysExcused'), t('attendance-record.tardyDays'), t('attendance-record.truantDays'), t('attendance-record.rate')],
      record.schools.map((s) => [`${this.deps.districts.schoolById(s.schoolId)?.name ?? s.schoolId} (${s.schoolYear})`, String(s.daysEnrolled), String(s.daysAbsent), String(s.daysExcused), String(s.tardyDays), String(s.truantDays), rate(s.attendanceRate)]),
      [4, 2, 2, 2, 2, 2, 2],
    );
    doc.bullets(record.schools.map((s) => `${this.deps.districts.schoolById(s.schoolId)?.name ?? s.schoolId}: ${[s.chronicState ? t('attendance-record.chronicState') : null, s.chronicDistrict ? t('attendance-record.chronicDistrict') : null].filter(Boolean).join('; ') || t('attendance-record.notChronic')}; ${t('attendance-record.notices')}: ${s.truancyNotices}`));
    doc.qr(verificationLink(verifyUrl, code), t('attendance-record.pdf.qrCaption'), t('attendance-record.pdf.verify', { url: verifyUrl, code: formatVerificationCode(code) }));
    return doc.finish();
  }
}
