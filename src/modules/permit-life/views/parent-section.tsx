import type { PageContext } from '../../../platform/views/context.js';
import type { PermitsTable, ProvisionalEnrollmentsTable } from '../../../platform/db/schema.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { RenewalInfo } from '../service.js';

export interface ParentLifeState {
  district: DistrictConfig;
  today: string;
  status: string;
  provisional?: ProvisionalEnrollmentsTable;
  provisionalSchoolName?: string;
  permit?: PermitsTable;
  renewal?: RenewalInfo;
}

/**
 * On the parent's application page: DEC-12 the provisional enrollment (first day, last day, and
 * what happens then), and DEC-11 for an approved permit its years and whether, when and how to
 * apply again. Every date written out in the parent's language.
 */
export function ParentPermitLifeSection({ ctx, state, level = 2 }: { ctx: PageContext; state: ParentLifeState; level?: 2 | 4 }) {
  const { t, i18n } = ctx;
  // On the application page the section is a part of the page (h2); on the student's page it
  // sits inside a request's box, whose heading is an h3: headings must not skip levels upward.
  const Heading = `h${level}` as 'h2';
  const AlertHeading = `h${level + 1}` as 'h3';
  const lang = ctx.lang as 'en' | 'es';
  const { provisional: pe, permit, renewal, district } = state;
  if (!pe && !permit) return null;
  const approved = state.status === 'approved';
  const ended = pe && !approved && (pe.ended_at || pe.ends_on < state.today);
  // One section per request on the student's page: each heading needs an id of its own.
  const headingId = permit?.application_id ?? pe?.application_id ?? 'x';
  return (
    <section aria-labelledby={`permit-life-heading-${headingId}`} class="app-permit-life margin-top-4">
      <Heading id={`permit-life-heading-${headingId}`}>{t(permit ? 'permit-life.parent.permitHeading' : 'permit-life.parent.provisionalHeading')}</Heading>
      {pe ? (
        approved ? (
          <p>{t('permit-life.parent.provisionalApproved', { firstDay: i18n.date(pe.first_day) })}</p>
        ) : ended ? (
          <div class="usa-alert usa-alert--warning">
            <div class="usa-alert__body">
              <p class="usa-alert__text">{t('permit-life.parent.provisionalEnded', { endsOn: i18n.date(pe.ends_on) })}</p>
            </div>
          </div>
        ) : (
          <div class="usa-alert usa-alert--info">
            <div class="usa-alert__body">
              <AlertHeading class="usa-alert__heading">{t('permit-life.parent.provisionalTitle')}</AlertHeading>
              <p class="usa-alert__text">
                {t('permit-life.parent.provisionalActive', { school: state.provisionalSchoolName ?? '', firstDay: i18n.date(pe.first_day), endsOn: i18n.date(pe.ends_on), months: district.permitLife.provisionalSchoolMonths })}
              </p>
              <p class="usa-alert__text">{t('permit-life.parent.provisionalAfter', { endsOn: i18n.date(pe.ends_on) })}</p>
            </div>
          </div>
        )
      ) : null}
      {permit ? (
        <>
          <p>{permit.first_year === permit.last_year ? t('permit-life.parent.yearsOne', { year: permit.first_year }) : t('permit-life.parent.years', { first: permit.first_year, last: permit.last_year })}</p>
          {renewal ? (
            <>
              <p>
                {renewal.why === 'yearly' ? t('permit-life.parent.renewYearly') : t('permit-life.parent.renewEnding', { last: permit.last_year })}{' '}
                {renewal.opens
                  ? t('permit-life.parent.renewWhen', { nextYear: renewal.nextYear, opens: i18n.date(renewal.opens) })
                  : t('permit-life.parent.renewWhenUnknown', { nextYear: renewal.nextYear })}
              </p>
              <p>
                {t('permit-life.parent.renewHow', { reason: renewal.reasonLabel ? (renewal.reasonLabel[lang] ?? renewal.reasonLabel.en) : t('permit-life.renewal.continuingEnrollment') })}{' '}
                <a class="usa-link" href={renewal.applyPath}>{t('permit-life.parent.applyLink', { district: district.name[lang] ?? district.name.en })}</a>
              </p>
            </>
          ) : (
            <p>{permit.renew_yearly ? t('permit-life.parent.renewYearlyLater') : t('permit-life.parent.staysValid', { last: permit.last_year })}</p>
          )}
          <p>{t('permit-life.parent.whenNewPermit')}</p>
        </>
      ) : null}
    </section>
  );
}
