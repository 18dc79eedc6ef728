import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { StudentForApplication } from '../service.js';

/** STU-3: why an incoming permit is not offered, and how a wrong address gets corrected. */
export function InsideDistrictPage({ ctx, district, student }: { ctx: PageContext; district: DistrictConfig; student: StudentForApplication }) {
  const { t } = ctx;
  const name = district.name[ctx.lang as 'en' | 'es'] ?? district.name.en;
  return (
    <Layout ctx={ctx} title={t('applications.inside.title')}>
      <h1>{t('applications.inside.title')}</h1>
      <p class="usa-intro">
        {t('applications.inside.why', { student: `${student.first_name} ${student.last_name}`, zip: student.zip, district: name })}
      </p>
      <p>{t('applications.inside.whatToDo')}</p>
      <h2>{t('applications.inside.wrongHeading')}</h2>
      <ol class="usa-process-list">
        <li class="usa-process-list__item"><p>{t('applications.inside.step1')}</p></li>
        <li class="usa-process-list__item"><p>{t('applications.inside.step2')}</p></li>
      </ol>
      <p>
        <a class="usa-button" href={`/students/${student.id}/edit?next=${encodeURIComponent(`/apply/${district.slug}`)}`}>
          {t('applications.inside.editAddress')}
        </a>
      </p>
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
    </Layout>
  );
}
