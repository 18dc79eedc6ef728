import type { PageContext, FormState } from '../../../platform/views/context.js';
import { emptyForm } from '../../../platform/views/context.js';
import { CsrfField, RadioGroup, SubmitButton, TextArea } from '../../../platform/views/forms.js';
import type { ApplicationsTable, SchoolApprovalsTable } from '../../../platform/db/schema.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { SchoolRole } from '../school-approvals.js';
import type { NotReady } from '../readiness.js';
import { NotReadyNotice } from './decision-panel.js';

interface Props {
  ctx: PageContext;
  district: DistrictConfig;
  application: ApplicationsTable;
  approvals: SchoolApprovalsTable[];
  /** The schools this staff member decides for. */
  roles: SchoolRole[];
  forms: Partial<Record<`school-${SchoolRole}`, FormState>>;
  /** APP-11: why neither school can decide now, or null. */
  notReady: NotReady | null;
}

/** APP-1: an intra-district request's two decisions — the school of residence and the school asked for. */
export function SchoolApprovalsPanel({ ctx, district, application: a, approvals, roles, forms, notReady }: Props) {
  const { t, i18n } = ctx;
  const schoolName = (id: string | null) => district.schools.find((s) => `${district.slug}:${s.code}` === id)?.name ?? '—';
  const open = ['submitted', 'info_requested'].includes(a.status);
  return (
    <section aria-labelledby="schools-heading" class="app-decision">
      <h2 id="schools-heading">{t('decisions.staff.schoolsHeading')}</h2>
      {a.registration_number ? (
        <p>
          {t('decisions.staff.registration')}: <strong>{a.registration_number}</strong>
        </p>
      ) : null}
      {notReady ? <NotReadyNotice ctx={ctx} district={district} notReady={notReady} /> : null}
      {(['residence', 'requested'] as const).map((role) => {
        const done = approvals.find((x) => x.role === role);
        const form = forms[`school-${role}`] ?? emptyForm();
        return (
          <div key={role} class="margin-bottom-3">
            <h3>{t(`decisions.staff.schoolRole.${role}`, { school: schoolName(role === 'residence' ? a.residence_school_id : a.requested_school_id) })}</h3>
            {done ? (
              <p>
                {t('decisions.staff.schoolDecided', { decision: t(`applications.transfer.approvalState.${done.decision}`), date: i18n.dateTime(done.decided_at) })}
                {done.note ? ` — ${done.note}` : ''}
              </p>
            ) : !open || notReady ? (
              <p>{t('decisions.staff.schoolWaiting')}</p>
            ) : roles.includes(role) ? (
              <form method="post" action={`/staff/requests/${a.id}/school-decision/${role}`} class="usa-form usa-form--large" novalidate>
                <CsrfField ctx={ctx} />
                <RadioGroup ctx={ctx} form={form} name={`school_decision_${role}`} required label={t('decisions.staff.schoolDecision')}
                  options={[{ value: 'approved', label: t('decisions.staff.schoolApprove') }, { value: 'denied', label: t('decisions.staff.schoolDeny') }]} />
                <TextArea ctx={ctx} form={form} name={`school_note_${role}`} label={t('decisions.staff.schoolNote')} hint={t('decisions.staff.schoolNoteHint')} maxLength={2000} />
                <SubmitButton>{t('decisions.staff.schoolSubmit')}</SubmitButton>
              </form>
            ) : (
              <p class="usa-hint">{t('decisions.staff.schoolWaiting')} {t('decisions.staff.schoolNotYours')}</p>
            )}
          </div>
        );
      })}
    </section>
  );
}
