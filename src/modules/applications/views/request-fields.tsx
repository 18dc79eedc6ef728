import type { ComponentChildren } from 'preact';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { Checkbox, CsrfField, RadioGroup, SelectInput, TextInput } from '../../../platform/views/forms.js';
import { GRADES, type DistrictConfig, type PermitKind, type SchoolConfig } from '../../districts/config-schema.js';
import { windowPhases } from '../../districts/windows.js';
import { RELATIONSHIPS } from '../validation.js';
import type { StudentForApplication } from '../service.js';

/** What every request form's page is given: the district asked, the student, the years open, the form. */
export interface RequestPageProps {
  ctx: PageContext;
  district: DistrictConfig;
  student: StudentForApplication;
  openYears: string[];
  form: FormState;
}

/**
 * The head of a request form's page: its title naming the district asked, the error summary
 * (FormLayout), and the intro naming the student (`intro` may name the district too); the
 * page's own content follows as `children`.
 */
export function RequestFormLayout({ ctx, district, student, form, title, intro, children }: Omit<RequestPageProps, 'openYears'> & { title: string; intro: string; children: ComponentChildren }) {
  const name = district.name[ctx.lang as 'en' | 'es'] ?? district.name.en;
  return (
    <FormLayout ctx={ctx} title={ctx.t(title, { district: name })} form={form}>
      <p class="usa-intro">{ctx.t(intro, { student: `${student.first_name} ${student.last_name}`, district: name })}</p>
      {children}
    </FormLayout>
  );
}

/** A request form's own hidden fields: the CSRF token, the form's key (APP-8) and the student it is for. */
export function RequestFormKeys({ ctx, form, studentId }: { ctx: PageContext; form: FormState; studentId: string }) {
  return (
    <>
      <CsrfField ctx={ctx} />
      <input type="hidden" name="submission_key" value={form.values.submission_key ?? ''} />
      <input type="hidden" name="student" value={studentId} />
    </>
  );
}

export function gradeLabel(ctx: PageContext, g: string): string {
  return ctx.t(`applications.grades.${g}`);
}

export const schoolOption = (ctx: PageContext, s: SchoolConfig) => ({ value: s.code, label: `${s.name} (${gradeLabel(ctx, s.lowestGrade)}–${gradeLabel(ctx, s.highestGrade)})` });

/** APP-4: the school year and the grades, as every kind of request asks them. */
export function YearAndGrades({ ctx, form, openYears }: { ctx: PageContext; form: FormState; openYears: string[] }) {
  const { t } = ctx;
  const grades = GRADES.map((g) => ({ value: g, label: gradeLabel(ctx, g) }));
  return (
    <>
      <RadioGroup ctx={ctx} form={form} name="school_year" label={t('applications.form.schoolYear')} hint={t('applications.form.schoolYearHint')} required options={openYears.map((y) => ({ value: y, label: y.replace('-', '–') }))} />
      <SelectInput ctx={ctx} form={form} name="grade_requested" label={t('applications.form.gradeRequested')} hint={t('applications.form.gradeRequestedHint')} required options={grades} />
      <SelectInput ctx={ctx} form={form} name="current_grade" label={t('applications.form.currentGrade')} options={grades} />
    </>
  );
}

/** APP-5: the district's reasons for this kind of request. */
export function ReasonField({ ctx, form, district, kind }: { ctx: PageContext; form: FormState; district: DistrictConfig; kind: PermitKind }) {
  const lang = ctx.lang as 'en' | 'es';
  return (
    <RadioGroup
      ctx={ctx}
      form={form}
      name="reason"
      label={ctx.t('applications.form.reason')}
      hint={ctx.t('applications.form.reasonHint')}
      required
      tile
      options={district.reasons.filter((r) => r.kinds.includes(kind)).map((r) => ({ value: r.code, label: r.label[lang] ?? r.label.en, description: r.description[lang] ?? r.description.en }))}
    />
  );
}

/** APP-7, APP-10: who is asking, and the email for decisions typed twice. */
export function ApplicantFields({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const { t } = ctx;
  return (
    <>
      <RadioGroup ctx={ctx} form={form} name="relationship" label={t('applications.form.relationship')} hint={t('applications.form.relationshipHint')} required options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`applications.relationships.${r}`) }))} />
      <TextInput ctx={ctx} form={form} name="decision_email" type="email" autocomplete="email" label={t('applications.form.decisionEmail')} hint={t('applications.form.decisionEmailHint')} required maxLength={254} />
      <TextInput ctx={ctx} form={form} name="decision_email_confirm" type="email" autocomplete="email" label={t('applications.form.decisionEmailConfirm')} required maxLength={254} />
    </>
  );
}

/** APP-3 on a one-page form: the district's guidelines for this kind of request, before its fields. */
export function Guidelines({ ctx, district, kind }: { ctx: PageContext; district: DistrictConfig; kind: PermitKind }) {
  const lang = ctx.lang as 'en' | 'es';
  const text = district.kindGuidelines[kind as 'outgoing' | 'intra'] ?? district.guidelines;
  return (
    <>
      <h2>{ctx.t('applications.start.guidelinesHeading')}</h2>
      <div class="usa-prose app-guidelines" tabIndex={0} role="region" aria-label={ctx.t('applications.start.guidelinesHeading')}>
        {(text[lang] ?? text.en).split(/\n\s*\n/).map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
    </>
  );
}

/**
 * APP-1, APP-3: the one-page form of a release or a school change — or, outside the district's
 * window, why it is not offered. The agreement, school year, grades and reason come first; the
 * kind's own fields and the applicant's follow as `children`.
 */
export function KindForm({ ctx, form, district, kind, studentId, openYears, today, children }: { ctx: PageContext; form: FormState; district: DistrictConfig; kind: 'outgoing' | 'intra'; studentId: string; openYears: string[]; today: string; children: ComponentChildren }) {
  const { t } = ctx;
  if (openYears.length === 0) {
    return (
      <>
        <div class="usa-alert usa-alert--warning" role="status">
          <div class="usa-alert__body">
            <p class="usa-alert__text">{t('applications.notTakingKind', { district: district.name[ctx.lang as 'en' | 'es'] ?? district.name.en })}</p>
          </div>
        </div>
        <WindowNotes ctx={ctx} district={district} kind={kind} today={today} />
      </>
    );
  }
  return (
    <>
      <WindowNotes ctx={ctx} district={district} kind={kind} today={today} />
      <form method="post" action={`/apply/${district.slug}/${kind}`} class="usa-form usa-form--large" novalidate>
        <RequestFormKeys ctx={ctx} form={form} studentId={studentId} />
        <p>{t('applications.form.requiredNote')}</p>
        <Checkbox ctx={ctx} form={form} name="agree" label={t('applications.start.agree')} required />
        <YearAndGrades ctx={ctx} form={form} openYears={openYears} />
        <ReasonField ctx={ctx} form={form} district={district} kind={kind} />
        {children}
      </form>
    </>
  );
}

/**
 * APP-2, DEC-17: when requests of a kind are taken, each school year in the tense of the day —
 * "open on …" for a window still to come, "open until …" for one open now, "closed on …" for
 * one that has closed while its late reasons are still taken. Windows that are over are left out.
 */
export function WindowNotes({ ctx, district, kind, today }: { ctx: PageContext; district: DistrictConfig; kind: PermitKind; today: string }) {
  const { t, i18n } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const lateCodes = district.windows[kind]?.lateReasons ?? [];
  const reasons = lateCodes.map((c) => {
    const r = district.reasons.find((x) => x.code === c);
    return r ? (r.label[lang] ?? r.label.en) : c;
  }).join(', ');
  const notes = windowPhases(district, kind, today).filter((p) => p.phase !== 'over');
  if (notes.length === 0) return null;
  return (
    <>
      {notes.map(({ window: w, phase }) => {
        const params = { year: w.year.replace('-', '–'), opens: i18n.date(w.opens), closes: i18n.date(w.closes), lastDay: i18n.date(w.lastDay), reasons };
        const key = phase === 'open' && lateCodes.length && w.closes < w.lastDay ? 'openLate' : phase;
        return <p key={w.year}>{t(`applications.windows.${key}`, params)}</p>;
      })}
    </>
  );
}
