import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig } from '../../districts/config-schema.js';

export function HomePage({ ctx, districts }: { ctx: PageContext; districts: DistrictConfig[] }) {
  const { t } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  return (
    <Layout ctx={ctx} title={t('home.title')}>
      <h1>{t('home.title')}</h1>
      <p class="usa-intro">{t('home.intro')}</p>
      <h2>{t('home.chooseDistrict')}</h2>
      <ul class="usa-card-group">
        {districts.map((d) => (
          <li class="usa-card tablet:grid-col-6" key={d.slug}>
            <div class="usa-card__container">
              <div class="usa-card__header">
                <h3 class="usa-card__heading">{d.name[lang] ?? d.name.en}</h3>
              </div>
              <div class="usa-card__body">
                <p>{t('home.districtCard')}</p>
              </div>
              <div class="usa-card__footer">
                <a class="usa-button" href={`/apply/${d.slug}`}>{t('home.applyTo', { district: d.shortName })}</a>
                <p>
                  <a class="usa-link" href={`/districts/${d.slug}`}>{t('home.aboutPermits', { district: d.shortName })}</a>
                </p>
              </div>
            </div>
          </li>
        ))}
      </ul>
      <h2>{t('home.alreadyApplied')}</h2>
      <ul class="usa-list">
        <li><a class="usa-link" href="/account">{t('home.goToAccount')}</a></li>
        <li><a class="usa-link" href="/upload">{t('common.uploadDocuments')}</a></li>
        <li><a class="usa-link" href="/status">{t('common.checkStatus')}</a></li>
      </ul>
      <p>{t('home.anyDevice')}</p>
    </Layout>
  );
}
