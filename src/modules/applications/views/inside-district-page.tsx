import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig, SchoolConfig } from '../../districts/config-schema.js';
import type { StudentForApplication } from '../service.js';
import { gradeLabel } from './request-fields.js';

/** A telephone number as a link a phone can call. */
const tel = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`;

/**
 * STU-3: why an incoming permit is not offered, the school of residence and how to reach it,
 * and how a wrong address gets corrected. With a `problem`, the address could not be placed at
 * all (STU-2): say that, and nothing about a school for the address.
 */
export function InsideDistrictPage({ ctx, district, student, problem, residence }: { ctx: PageContext; district: DistrictConfig; student: StudentForApplication; problem?: { key: string; params?: Record<string, string | number> }; residence?: SchoolConfig }) {
  const { t } = ctx;
  const name = district.name[ctx.lang as 'en' | 'es'] ?? district.name.en;
  const title = t(problem ? 'applications.inside.unplacedTitle' : 'applications.inside.title');
  const editLink = `/students/${student.id}/edit?next=${encodeURIComponent(`/apply/${district.slug}`)}`;
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      {problem ? (
        <>
          <p class="usa-intro">{t(problem.key, problem.params)}</p>
          <p>
            <a class="usa-button" href={editLink}>{t('applications.inside.editAddress')}</a>
          </p>
        </>
      ) : (
        <>
          <p class="usa-intro">{t('applications.inside.why', { student: `${student.first_name} ${student.last_name}`, zip: student.zip, district: name })}</p>
          {residence ? (
            <>
              <p>{t('applications.inside.schoolOfResidence', { grade: gradeLabel(ctx, student.current_grade!), school: residence.name })}</p>
              <p>{t('applications.inside.enroll')}</p>
              <address class="margin-bottom-3">
                <strong>{residence.name}</strong>
                <br />
                {residence.address}
                <br />
                {residence.phone ? (
                  <>
                    {t('applications.inside.phone')}: <a class="usa-link" href={tel(residence.phone)}>{residence.phone}</a>
                  </>
                ) : (
                  <>
                    {t('applications.inside.districtPhone', { district: name })} <a class="usa-link" href={tel(district.contact.phone)}>{district.contact.phone}</a>
                  </>
                )}
              </address>
            </>
          ) : (
            <p>
              {t('applications.inside.noSchoolKnown', { district: name })} <a class="usa-link" href={tel(district.contact.phone)}>{district.contact.phone}</a>
            </p>
          )}
          <h2>{t('applications.inside.wrongHeading')}</h2>
          <ol class="usa-process-list">
            <li class="usa-process-list__item"><p>{t('applications.inside.step1')}</p></li>
            <li class="usa-process-list__item"><p>{t('applications.inside.step2')}</p></li>
          </ol>
          <p>
            <a class="usa-button" href={editLink}>{t('applications.inside.editAddress')}</a>
          </p>
        </>
      )}
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
    </Layout>
  );
}
