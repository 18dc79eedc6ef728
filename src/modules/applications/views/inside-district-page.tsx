import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import type { StudentForApplication } from '../service.js';

/**
 * STU-3: why an incoming permit is not offered, and how a wrong address gets corrected. With a
 * `problem`, the address could not be placed at all (STU-2): say that, not "inside".
 */
export function InsideDistrictPage({ ctx, district, student, problem }: { ctx: PageContext; district: DistrictConfig; student: StudentForApplication; problem?: { key: string; params?: Record<string, string | number> } }) {
  const { t } = ctx;
  const name = district.name[ctx.lang as 'en' | 'es'] ?? district.name.en;
  const title = t(problem ? 'applications.inside.unplacedTitle' : 'applications.inside.title');
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="usa-intro">
        {problem ? t(problem.key, problem.params) : t('applications.inside.why', { student: `${student.first_name} ${student.last_name}`, zip: student.zip, district: name })}
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
