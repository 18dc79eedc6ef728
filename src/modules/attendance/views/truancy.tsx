import type { AttendanceReferralsTable, TruancyNoticesTable } from '../../../platform/db/schema.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CsrfField, RadioGroup, SubmitButton, TextArea, TextInput } from '../../../platform/views/forms.js';
import { Layout } from '../../../platform/views/layout.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { OUTCOME_MAX, PARTICIPANTS_MAX, REFERRAL_KINDS } from '../referrals.js';
import { WORKLIST_SHOWN, type Worklist, type WorklistRow } from '../truancy.js';

const year = (y: string) => y.replace('-', '–');

function Alert({ ctx, alert }: { ctx: PageContext; alert?: { key: string; params?: Record<string, string | number> } }) {
  if (!alert) return null;
  return (
    <div class="usa-alert usa-alert--error" role="alert">
      <div class="usa-alert__body">
        <p class="usa-alert__text">{ctx.t(alert.key, alert.params)}</p>
      </div>
    </div>
  );
}

/** The notices of one student, first first: number, status, date and the letter's link. */
function NoticesCell({ ctx, row }: { ctx: PageContext; row: WorklistRow }) {
  const { t, i18n } = ctx;
  return (
    <ul class="usa-list usa-list--unstyled">
      {row.notices.map((n) => (
        <li key={n.id}>
          {t(n.status === 'sent' ? 'attendance-truancy.worklist.noticeSent' : 'attendance-truancy.worklist.noticeProposed', { number: n.number, date: i18n.dateTime(n.sent_at ?? n.proposed_at) })}{' '}
          <a class="usa-link" href={`/staff/attendance/truancy/${n.id}/letter.pdf`}>
            {t('attendance-truancy.worklist.letter')}<span class="usa-sr-only"> ({t('attendance-truancy.worklist.noticeNumber', { number: n.number })}, {row.firstName} {row.lastName})</span>
          </a>{' '}
          <a class="usa-link" href={`/staff/attendance/truancy/${n.id}/letter.pdf?language=${n.language === 'es' ? 'en' : 'es'}`}>
            <span lang={n.language === 'es' ? 'en' : 'es'}>{t(n.language === 'es' ? 'attendance-truancy.worklist.letterInEnglish' : 'attendance-truancy.worklist.letterInSpanish')}</span><span class="usa-sr-only"> ({t('attendance-truancy.worklist.noticeNumber', { number: n.number })}, {row.firstName} {row.lastName})</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

function StudentTable({ ctx, rows, caption, withSend }: { ctx: PageContext; rows: WorklistRow[]; caption: string; withSend?: boolean }) {
  const { t, i18n } = ctx;
  return (
    <DataTable
      caption={caption}
      variants={['stacked']}
      rows={rows}
      rowKey={(r) => r.studentId}
      rowAttrs={(r) => ({ id: `truant-${r.studentId}` })}
      columns={[
        { header: t('attendance-truancy.worklist.student'), rowHeader: true, cell: (r) => <a class="usa-link" href={`/staff/attendance/students/${r.studentId}`}>{`${r.firstName} ${r.lastName}`}</a> },
        { header: t('attendance-truancy.worklist.truantDays'), cell: (r) => String(r.truantDays) },
        { header: t('attendance-truancy.worklist.notifications'), cell: (r) => <NoticesCell ctx={ctx} row={r} /> },
        {
          header: t('attendance-truancy.worklist.lastReferral'),
          cell: (r) => (
            <>
              {r.lastReferral ? `${t(`attendance-truancy.referrals.kind.${r.lastReferral.kind}`)}, ${i18n.date(r.lastReferral.heldOn)}` : t('attendance-truancy.worklist.noReferral')}
              <br />
              <a class="usa-link" href={`/staff/attendance/students/${r.studentId}/referrals`}>
                {t('attendance-truancy.worklist.referrals')}<span class="usa-sr-only"> ({r.firstName} {r.lastName})</span>
              </a>
            </>
          ),
        },
        {
          header: t('attendance-truancy.worklist.family'),
          cell: (r) => (r.noAccount ? t('attendance-truancy.worklist.noAccount') : t('attendance-truancy.worklist.account')),
        },
        !!withSend && {
          header: t('attendance-truancy.worklist.action'),
          cell: (r) =>
            r.proposed ? (
              <form method="post" action={`/staff/attendance/truancy/${r.proposed.id}/send`}>
                <CsrfField ctx={ctx} />
                <button type="submit" class="usa-button">
                  {t('attendance-truancy.worklist.send', { number: r.proposed.number })}<span class="usa-sr-only"> ({r.firstName} {r.lastName})</span>
                </button>
              </form>
            ) : null,
        },
      ]}
    />
  );
}

/**
 * ATT-5: a school's truancy worklist — the notifications proposed to the office (EC 48261), the
 * habitual truants flagged for SARB (EC 48262), and the students notified — with each one's
 * truant days, notifications and last referral.
 */
export function TruancyWorklistPage({ ctx, district, schools, list, alert }: { ctx: PageContext; district: DistrictConfig; schools: DistrictConfig['schools']; list: Worklist; alert?: { key: string; params?: Record<string, string | number> } }) {
  const { t } = ctx;
  const school = schools.find((s) => `${district.slug}:${s.code}` === list.schoolId);
  const schoolName = school?.name ?? list.schoolId;
  return (
    <Layout ctx={ctx} title={t('attendance-truancy.worklist.title')}>
      <Alert ctx={ctx} alert={alert} />
      <h1>{t('attendance-truancy.worklist.title')}</h1>
      <p class="usa-intro">{t('attendance-truancy.worklist.intro')}</p>
      {schools.length > 1 ? (
        <form method="get" action="/staff/attendance/truancy" class="usa-form">
          <label class="usa-label" for="truancy-school">{t('attendance-truancy.worklist.school')}</label>
          <select class="usa-select" id="truancy-school" name="school">
            {schools.map((s) => {
              const v = `${district.slug}:${s.code}`;
              return <option value={v} selected={v === list.schoolId} key={v}>{s.name}</option>;
            })}
          </select>
          <button type="submit" class="usa-button usa-button--outline">{t('attendance-truancy.worklist.show')}</button>
        </form>
      ) : null}
      <p>{t('attendance-truancy.worklist.heading', { school: schoolName, year: year(list.schoolYear) })}</p>

      <h2 id="proposed-heading">{t('attendance-truancy.worklist.proposedHeading')}</h2>
      {list.proposed.length ? (
        <>
          <StudentTable ctx={ctx} rows={list.proposed} withSend caption={t('attendance-truancy.worklist.proposedCaption', { count: list.counts.proposed })} />
          {list.counts.proposed > list.proposed.length ? <p class="usa-hint">{t('attendance-truancy.worklist.more', { count: WORKLIST_SHOWN, total: list.counts.proposed })}</p> : null}
        </>
      ) : (
        <p>{t('attendance-truancy.worklist.proposedNone')}</p>
      )}

      <h2 id="habitual-heading">{t('attendance-truancy.worklist.habitualHeading')}</h2>
      <p class="usa-hint">{t('attendance-truancy.worklist.habitualHint')}</p>
      {list.habitual.length ? (
        <>
          <StudentTable ctx={ctx} rows={list.habitual} caption={t('attendance-truancy.worklist.habitualCaption', { count: list.counts.habitual })} />
          {list.counts.habitual > list.habitual.length ? <p class="usa-hint">{t('attendance-truancy.worklist.more', { count: WORKLIST_SHOWN, total: list.counts.habitual })}</p> : null}
        </>
      ) : (
        <p>{t('attendance-truancy.worklist.habitualNone')}</p>
      )}

      <h2 id="notified-heading">{t('attendance-truancy.worklist.notifiedHeading')}</h2>
      {list.notified.length ? (
        <>
          <StudentTable ctx={ctx} rows={list.notified} caption={t('attendance-truancy.worklist.notifiedCaption', { count: list.counts.notified })} />
          {list.counts.notified > list.notified.length ? <p class="usa-hint">{t('attendance-truancy.worklist.more', { count: WORKLIST_SHOWN, total: list.counts.notified })}</p> : null}
        </>
      ) : (
        <p>{t('attendance-truancy.worklist.notifiedNone')}</p>
      )}
    </Layout>
  );
}

/** ATT-5: a student's conferences and referrals, and the form to record one. */
export function ReferralsPage({ ctx, student, referrals, form, today }: { ctx: PageContext; student: { id: string; first_name: string; last_name: string }; referrals: AttendanceReferralsTable[]; form: FormState; today: string }) {
  const { t, i18n } = ctx;
  const name = `${student.first_name} ${student.last_name}`;
  return (
    <FormLayout ctx={ctx} title={t('attendance-truancy.referrals.title', { name })} form={form} back={{ href: `/staff/attendance/students/${student.id}`, label: t('attendance-truancy.referrals.back') }}>
      <p class="usa-intro">{t('attendance-truancy.referrals.intro')}</p>
      <h2 id="referrals-heading">{t('attendance-truancy.referrals.heading')}</h2>
      {referrals.length ? (
        <DataTable
          caption={t('attendance-truancy.referrals.caption', { count: referrals.length, name })}
          variants={['stacked']}
          rows={referrals}
          rowKey={(r) => r.id}
          columns={[
            { header: t('attendance-truancy.referrals.heldOn'), rowHeader: true, cell: (r) => i18n.date(r.held_on) },
            { header: t('attendance-truancy.referrals.kindLabel'), cell: (r) => t(`attendance-truancy.referrals.kind.${r.kind}`) },
            { header: t('attendance-truancy.referrals.year'), cell: (r) => year(r.school_year) },
            { header: t('attendance-truancy.referrals.participants'), cell: (r) => r.participants },
            { header: t('attendance-truancy.referrals.outcome'), cell: (r) => r.outcome },
          ]}
        />
      ) : (
        <p>{t('attendance-truancy.referrals.none')}</p>
      )}
      <h2 id="record-heading">{t('attendance-truancy.referrals.recordHeading')}</h2>
      <form method="post" action={`/staff/attendance/students/${student.id}/referrals`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <RadioGroup ctx={ctx} form={form} name="kind" label={t('attendance-truancy.referrals.kindLabel')} required options={REFERRAL_KINDS.map((k) => ({ value: k, label: t(`attendance-truancy.referrals.kind.${k}`) }))} />
        <TextInput ctx={ctx} form={form} name="held_on" type="date" label={t('attendance-truancy.referrals.heldOn')} hint={t('attendance-truancy.referrals.heldOnHint', { today: i18n.date(today) })} required />
        <TextArea ctx={ctx} form={form} name="participants" label={t('attendance-truancy.referrals.participants')} hint={t('attendance-truancy.referrals.participantsHint')} required maxLength={PARTICIPANTS_MAX} rows={2} />
        <TextArea ctx={ctx} form={form} name="outcome" label={t('attendance-truancy.referrals.outcome')} hint={t('attendance-truancy.referrals.outcomeHint')} required maxLength={OUTCOME_MAX} rows={4} />
        <SubmitButton>{t('attendance-truancy.referrals.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}

/** The parent's student page: the truancy notifications sent about their own child, each with its letter, in their language. */
export function ParentTruancySection({ ctx, studentId, firstName, notices }: { ctx: PageContext; studentId: string; firstName: string; notices: (TruancyNoticesTable & { sentOn: string })[] }) {
  const { t, i18n } = ctx;
  return (
    <section aria-labelledby="truancy-heading">
      <h2 id="truancy-heading">{t('attendance-truancy.parent.heading')}</h2>
      <p>{t('attendance-truancy.parent.intro', { name: firstName })}</p>
      <ul class="usa-list">
        {notices.map((n) => (
          <li key={n.id}>
            {t('attendance-truancy.parent.notice', { number: n.number, date: i18n.date(n.sentOn), year: year(n.school_year) })}{' '}
            <a class="usa-link" href={`/students/${studentId}/attendance/letters/${n.id}.pdf`}>
              {t('attendance-truancy.parent.letter')}<span class="usa-sr-only"> ({t('attendance-truancy.parent.noticeNumber', { number: n.number })})</span>
            </a>
          </li>
        ))}
      </ul>
      <p>{t('attendance-truancy.parent.help')}</p>
    </section>
  );
}
