import type { Translator } from '../../platform/i18n/translator.js';
import type { Deps } from '../../deps.js';
import type { DecisionsRepository } from './repository.js';
import type { RequestScope } from '../access/request-scope.js';
import type { ApplicationsTable, DecisionsTable, PermitsTable } from '../../platform/db/schema.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import { formatVerificationCode, verificationLink } from './rules.js';

export interface LetterInput {
  district: DistrictConfig;
  application: ApplicationsTable;
  decision: DecisionsTable;
  permit?: PermitsTable;
  schoolName?: string;
  schoolAddress?: string;
  /** Where anyone holding the permit can check it: the public verification page. */
  verifyUrl: string;
  /** A release: the district and school it releases the student to. */
  receiving?: { district: string; school: string | null };
  /** An incoming permit that came from a release (DEC-5): the district of residence's signature. */
  release?: { district: string; decidedOn: string; confirmation: string; verification: string | null };
}

/**
 * DEC-5: the other district's part of an inter-district permit, for its letter — the district a
 * release goes to, or the release an incoming permit came with.
 */
export async function bothDistricts(deps: Deps, reads: { repo: DecisionsRepository; scope: RequestScope }, app: ApplicationsTable, lang: 'en' | 'es'): Promise<Pick<LetterInput, 'receiving' | 'release'>> {
  if (app.kind === 'outgoing') {
    const d = app.target_district_slug ? deps.districts.get(app.target_district_slug) : undefined;
    const school = app.target_school && d ? (d.schools.find((s) => s.code === app.target_school)?.name ?? null) : app.target_school;
    return { receiving: { district: d ? (d.name[lang] ?? d.name.en) : (app.target_district_name ?? ''), school } };
  }
  if (app.kind !== 'incoming' || !app.linked_application_id) return {};
  const { repo } = reads;
  const release = await reads.scope.otherParty(app);
  if (!release || release.status !== 'approved') return {};
  const [decidedOn, permit] = await Promise.all([repo.latestDecisionOn(release.id, 'approved'), repo.activePermitCode(release.id)]);
  const d = deps.districts.get(release.district_id);
  return {
    release: {
      district: d ? (d.name[lang] ?? d.name.en) : release.district_id,
      decidedOn: decidedOn ?? '',
      confirmation: formatConfirmationNumber(release.confirmation_number),
      verification: permit ? formatVerificationCode(permit.verification_code) : null,
    },
  };
}

/**
 * The letter behind each decision, in the language of the application (the parent's), as a
 * PDF a parent can print: the permit (DEC-6, DEC-18), the denial with its appeal rights or why
 * there are none (DEC-8, DEC-9, DEC-16), the deemed denial (DEC-15), the revocation (DEC-10)
 * and the notice of abandonment (DEC-4).
 */
export async function letterPdf(i18n: Translator, x: LetterInput): Promise<Buffer> {
  const { t } = i18n;
  const lang = i18n.lang as 'en' | 'es';
  const { district, application: app, decision } = x;
  const districtName = district.name[lang] ?? district.name.en;
  const title = t(decision.kind === 'approved' && app.kind !== 'incoming' ? `decisions.letter.title.approved_${app.kind}` : `decisions.letter.title.${decision.kind}`);
  const pdf = createPdf({ title, language: i18n.lang, author: districtName });
  pdf.title(districtName);
  pdf.paragraph(`${district.contact.address} · ${district.contact.phone} · ${district.contact.email}`);
  pdf.heading(title);
  pdf.fields([
    [t('decisions.letter.date'), i18n.date(decision.decided_on)],
    [t('decisions.letter.student'), `${app.student_first_name} ${app.student_last_name}`],
    [t('decisions.letter.dateOfBirth'), i18n.date(app.student_date_of_birth)],
    [t('decisions.letter.confirmation'), formatConfirmationNumber(app.confirmation_number)],
    [t('decisions.letter.schoolYear'), app.school_year],
    [t('decisions.letter.grade'), t(`applications.grades.${app.grade_requested}`)],
  ]);
  /** The reasons chosen (DEC-7, DEC-10), as the district words them, then the staff's note. */
  const reasonsAndNote = (list: { code: string; label: { en: string; es: string } }[]) => {
    pdf.heading(t('decisions.letter.reasons'));
    pdf.bullets((JSON.parse(decision.reasons) as string[]).map((c) => list.find((r) => r.code === c)?.label[lang] ?? c));
    if (decision.note) pdf.paragraph(`${t('decisions.letter.note')}: ${decision.note}`);
  };
  const office = district.appeals.office[lang] ?? district.appeals.office.en;

  switch (decision.kind) {
    case 'approved': {
      const p = x.permit!;
      if (x.receiving) {
        releaseLetter(p, x.receiving);
        break;
      }
      pdf.paragraph(t('decisions.letter.approved.intro', { district: districtName }));
      if (x.release) {
        // DEC-5: one permit, signed by both districts.
        pdf.paragraph(t('decisions.letter.approved.bothDistricts', { residence: x.release.district, district: districtName }));
        pdf.fields([
          [t('decisions.letter.releasedBy'), x.release.district],
          [t('decisions.letter.releaseDate'), x.release.decidedOn ? i18n.date(x.release.decidedOn) : '—'],
          [t('decisions.letter.releaseNumber'), x.release.confirmation],
          ...(x.release.verification ? ([[t('decisions.letter.releaseVerification'), x.release.verification]] as [string, string][]) : []),
        ]);
      }
      pdf.fields([
        [t('decisions.letter.school'), `${x.schoolName ?? ''}${x.schoolAddress ? `, ${x.schoolAddress}` : ''}`],
        [t('decisions.letter.years'), t('decisions.letter.yearsValue', { first: p.first_year, last: p.last_year })],
        [t('decisions.letter.verification'), formatVerificationCode(p.verification_code)],
      ]);
      pdf.heading(t('decisions.letter.conditions'));
      const conditions = [t('decisions.letter.condition.valid', { last: p.last_year })];
      if (p.renew_yearly) conditions.push(t('decisions.letter.condition.renew'));
      conditions.push(t('decisions.letter.condition.move'), t('decisions.letter.condition.change'), t('decisions.letter.condition.revocation'));
      pdf.bullets(conditions);
      verifyBlock(p);
      break;
    }
    case 'denied':
      pdf.paragraph(t('decisions.letter.denied.intro', { district: districtName }));
      reasonsAndNote(district.denialReasons);
      appealSection();
      break;
    case 'deemed_denied':
      pdf.paragraph(t('decisions.letter.deemed.intro', { due: i18n.date(app.decision_due_on ?? decision.decided_on) }));
      appealSection();
      break;
    case 'revoked':
      pdf.paragraph(t('decisions.letter.revoked.intro', { district: districtName }));
      reasonsAndNote(district.revocationReasons);
      pdf.paragraph(t('decisions.letter.revoked.noAppeal'));
      break;
    case 'abandoned':
      pdf.paragraph(t('decisions.letter.abandoned.intro'));
      pdf.paragraph(t('decisions.letter.abandoned.noAppeal'));
      break;
  }
  pdf.paragraph(t('decisions.letter.contact', { phone: district.contact.phone, email: district.contact.email }));
  return pdf.finish();

  /** DEC-5: the district of residence's release, which the receiving district still has to accept. */
  function releaseLetter(p: PermitsTable, receiving: NonNullable<LetterInput['receiving']>) {
    pdf.paragraph(t('decisions.letter.release.intro', { district: districtName, receiving: receiving.district }));
    pdf.fields([
      [t('decisions.letter.release.receiving'), receiving.district],
      [t('decisions.letter.release.school'), receiving.school ?? '—'],
      [t('decisions.letter.years'), t('decisions.letter.yearsValue', { first: p.first_year, last: p.last_year })],
      [t('decisions.letter.verification'), formatVerificationCode(p.verification_code)],
    ]);
    pdf.paragraph(t('decisions.letter.release.notAPermit', { receiving: receiving.district }));
    verifyBlock(p);
  }

  /** The code and where to check it, beside a QR code of the link a phone camera opens at the answer. */
  function verifyBlock(p: PermitsTable) {
    pdf.qr(verificationLink(x.verifyUrl, p.verification_code), t('decisions.letter.qrCaption'), t('decisions.letter.approved.verify', { url: x.verifyUrl, code: formatVerificationCode(p.verification_code) }));
  }

  function appealSection() {
    pdf.heading(t('decisions.letter.appealHeading'));
    if (decision.appeal_until) {
      pdf.paragraph(t('decisions.letter.appeal', { office, address: district.appeals.address, days: district.appeals.days, until: i18n.date(decision.appeal_until) }));
      pdf.paragraph(t('decisions.letter.appealLateIsAbandonment'));
    } else {
      pdf.paragraph(t(`decisions.noAppeal.${decision.no_appeal_reason ?? 'expulsion'}`));
    }
  }
}
