import { FormLayout } from '../../../platform/views/form-layout.js';
import { ErrorMessage } from '../../../platform/views/error-message.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { Checkbox, CsrfField, RadioGroup, SubmitButton, TextInput, fieldId } from '../../../platform/views/forms.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { ACTIVATION_DAYS, STAFF_ROLES } from '../service.js';
import { schoolField, type TeamMember } from '../invitations.js';
import { DataTable } from '../../../platform/views/data-table.js';

/** The schools of a site administrator: one checkbox each, with the group's error above them. */
function SchoolsField({ ctx, form, district }: { ctx: PageContext; form: FormState; district: DistrictConfig }) {
  const { t } = ctx;
  const error = form.errors.schools;
  const id = fieldId('schools');
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <fieldset class="usa-fieldset" id={id} aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}>
        <legend class="usa-legend">{t('team.form.schools')}</legend>
        <div class="usa-hint" id={`${id}-hint`}>{t('team.form.schoolsHint')}</div>
        <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
        {district.schools.map((s) => (
          <Checkbox ctx={ctx} form={form} name={schoolField(s.code)} label={s.name} key={s.code} />
        ))}
      </fieldset>
    </div>
  );
}

/** District administrators: the district's staff accounts, and inviting another by email. */
export function TeamPage({ ctx, district, members, form }: { ctx: PageContext; district: DistrictConfig; members: TeamMember[]; form: FormState }) {
  const { t } = ctx;
  return (
    <FormLayout ctx={ctx} title={t('team.title')} form={form}>
      <p class="usa-intro">{t('team.intro', { district: district.name[ctx.lang as 'en' | 'es'] ?? district.name.en })}</p>
      <DataTable
        id="team"
        caption={t('team.caption')}
        variants={['compact', 'striped']}
        rows={members}
        rowKey={(m) => m.id}
        columns={[
          { header: t('team.columns.name'), rowHeader: true, cell: (m) => <>{m.last_name}, {m.first_name}</> },
          { header: t('team.columns.email'), cell: (m) => m.email },
          { header: t('team.columns.role'), cell: (m) => t(`team.roles.${m.role}`) },
          { header: t('team.columns.schools'), cell: (m) => (m.schools.length ? m.schools.join(', ') : '—') },
          {
            header: t('team.columns.status'),
            cell: (m) => (
              <>
                {t(`team.statuses.${m.status}`)}
                {m.status !== 'active' ? (
                  <form method="post" action={`/staff/team/${encodeURIComponent(m.id)}/resend`} class="app-inline-form">
                    <CsrfField ctx={ctx} />
                    {' '}
                    <button type="submit" class="usa-button usa-button--unstyled">
                      {t('team.resend')}
                      <span class="usa-sr-only"> {t('team.resendTo', { email: m.email })}</span>
                    </button>
                  </form>
                ) : null}
              </>
            ),
          },
        ]}
      />

      <h2 id="invite">{t('team.form.title')}</h2>
      <p>{t('team.form.intro', { days: ACTIVATION_DAYS })}</p>
      <form method="post" action="/staff/team/invite" class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <TextInput ctx={ctx} form={form} name="first_name" label={t('team.form.firstName')} required maxLength={50} />
        <TextInput ctx={ctx} form={form} name="last_name" label={t('team.form.lastName')} required maxLength={50} />
        <TextInput ctx={ctx} form={form} name="email" type="email" label={t('team.form.email')} hint={t('team.form.emailHint')} required maxLength={254} />
        <RadioGroup
          ctx={ctx}
          form={form}
          name="role"
          label={t('team.form.role')}
          required
          tile
          options={STAFF_ROLES.map((r) => ({ value: r, label: t(`team.roles.${r}`), description: t(`team.roleDescriptions.${r}`) }))}
        />
        <SchoolsField ctx={ctx} form={form} district={district} />
        <SubmitButton>{t('team.form.submit')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
