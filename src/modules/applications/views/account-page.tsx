import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { formatConfirmationNumber } from '../confirmation-number.js';
import type { ApplicationRow } from '../repository.js';
import type { StudentForApplication } from '../service.js';
import { StatusTag } from './application-page.js';
import { SentMessages, type SentMessage } from './sent-messages.js';

interface Props {
  ctx: PageContext;
  students: StudentForApplication[];
  applications: (ApplicationRow & { school_name: string | null })[];
  messages: SentMessage[];
  districts: DistrictConfig[];
}

/** ACC-4, ACC-6, APP-10: one account for the family, every request and message in it. */
export function AccountPage({ ctx, students, applications, messages, districts }: Props) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const districtName = (slug: string) => {
    const d = districts.find((x) => x.slug === slug);
    return d ? (d.name[lang] ?? d.name.en) : slug;
  };
  return (
    <Layout ctx={ctx} title={t('applications.account.title')}>
      <h1>{t('applications.account.title')}</h1>
      <p class="usa-intro">{t('applications.account.hello', { name: ctx.user?.firstName ?? '' })}</p>

      <h2>{t('applications.account.applicationsHeading')}</h2>
      {applications.length === 0 ? (
        <p>{t('applications.account.noApplications')}</p>
      ) : (
        <DataTable
          caption={t('applications.account.applicationsHeading')}
          captionClass="usa-sr-only"
          variants={['stacked', 'borderless']}
          rows={applications}
          rowKey={(a) => a.id}
          columns={[
            { header: t('applications.account.student'), rowHeader: true, cell: (a) => <a class="usa-link" href={`/applications/${a.id}`}>{`${a.student_first_name} ${a.student_last_name}`}</a> },
            { header: t('applications.page.kind'), cell: (a) => t(`applications.kindsShort.${a.kind}`) },
            { header: t('applications.page.district'), cell: (a) => districtName(a.district_id) },
            { header: t('applications.form.schoolYear'), cell: (a) => a.school_year.replace('-', '–') },
            { header: t('applications.page.confirmation'), cell: (a) => formatConfirmationNumber(a.confirmation_number) },
            { header: t('applications.page.status'), cell: (a) => <StatusTag ctx={ctx} status={a.status} /> },
          ]}
        />
      )}
      <h3>{t('applications.account.applyHeading')}</h3>
      <ul class="usa-list">
        {districts.map((d) => (
          <li key={d.slug}>
            <a class="usa-link" href={`/apply/${d.slug}`}>{t('home.applyTo', { district: d.shortName })}</a>
          </li>
        ))}
      </ul>

      <h2>{t('applications.account.studentsHeading')}</h2>
      {students.length === 0 ? (
        <p>{t('applications.account.noStudents')}</p>
      ) : (
        <ul class="usa-list">
          {students.map((s) => (
            <li key={s.id}>
              <a class="usa-link" href={`/students/${s.id}`}>{t('students.list.story', { name: `${s.first_name} ${s.last_name}` })}</a> — <a class="usa-link" href={`/students/${s.id}/edit`}>{t('applications.account.editStudent', { name: s.first_name })}</a>
            </li>
          ))}
        </ul>
      )}
      <p>
        <a class="usa-button usa-button--outline" href="/students/new">{t('applications.account.addStudent')}</a>
      </p>

      <SentMessages ctx={ctx} heading={t('applications.account.messagesHeading')} empty={t('applications.account.noMessages')} messages={messages} when={ctx.i18n.dateTime} />
      <h2>{t('applications.account.settingsHeading')}</h2>
      <ul class="usa-list">
        <li><a class="usa-link" href="/account/password">{t('applications.account.changePassword')}</a></li>
        <li>
          {t('accounts.language.current', { language: ctx.languages.find((l) => l.code === ctx.user?.language)?.name ?? ctx.user?.language ?? '' })}{' '}
          — <a class="usa-link" href="/account/language">{t('accounts.language.change')}</a>
        </li>
      </ul>
    </Layout>
  );
}
