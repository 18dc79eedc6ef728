import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig, PermitKind } from '../config-schema.js';
import type { SchoolYearWindow, WindowPhase } from '../windows.js';

export interface DistrictPageView {
  district: DistrictConfig;
  /** APP-2: each kind's windows with where they stand today, so each is told in its tense. */
  windows: { kind: PermitKind; years: { window: SchoolYearWindow; phase: WindowPhase }[]; lateReasons: string[] }[];
  deadlines: { year: string; firstDay: string; earlyDue: string; cutoff: string }[];
}

/** DEC-20 (EC 46600.2): everything a family needs to know, from the district's own configuration. */
export function DistrictPage({ ctx, view }: { ctx: PageContext; view: DistrictPageView }) {
  const { t, i18n } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  const d = view.district;
  const L = (x: { en: string; es: string }) => x[lang] ?? x.en;
  const docLabel = (code: string) => L(d.documents.find((x) => x.code === code)!.label);
  const reasonLabel = (code: string) => {
    const r = d.reasons.find((x) => x.code === code);
    return r ? L(r.label) : code;
  };
  return (
    <Layout ctx={ctx} title={t('districts.page.title', { district: L(d.name) })}>
      <h1>{t('districts.page.title', { district: L(d.name) })}</h1>
      <p class="usa-intro">{t('districts.page.intro')}</p>
      <p>
        <a class="usa-button" href={`/apply/${d.slug}?lang=${ctx.lang}`}>{t('districts.page.apply')}</a>
      </p>

      <h2>{t('districts.page.whenHeading')}</h2>
      <ul class="usa-list">
        {view.windows.map((w) =>
          w.years.map(({ window: y, phase }) => {
            const params = { kind: t(`applications.kinds.${w.kind}`), year: y.year.replace('-', '–'), opens: i18n.date(y.opens), closes: i18n.date(y.closes), lastDay: i18n.date(y.lastDay) };
            const reasons = w.lateReasons.map(reasonLabel).join(', ');
            // Late reasons matter only where a window closes before its school year ends (DEC-17).
            const late = w.lateReasons.length > 0 && y.closes < y.lastDay && phase !== 'over';
            return (
              <li key={`${w.kind}-${y.year}`}>
                {t(`districts.page.windows.${phase}`, params)}
                {late ? ` ${t(phase === 'late' ? 'districts.page.lateReasonsNow' : 'districts.page.lateReasons', { reasons, lastDay: params.lastDay })}` : ''}
              </li>
            );
          }),
        )}
      </ul>

      <h2>{t('districts.page.whoHeading')}</h2>
      <p>{t('districts.page.who')}</p>

      <h2>{t('districts.page.reasonsHeading')}</h2>
      <p>{t('districts.page.commonDocs')}</p>
      <ul class="usa-list">
        {(d.commonDocuments.incoming ?? []).map((c) => (
          <li key={c.code}>{docLabel(c.code)}{c.required ? '' : ` (${t('districts.page.ifApplies')})`}</li>
        ))}
      </ul>
      {d.reasons.filter((r) => r.kinds.includes('incoming')).map((r) => (
        <section key={r.code}>
          <h3>{L(r.label)}{r.priority ? ` — ${t('districts.page.priority')}` : ''}</h3>
          <p>{L(r.description)}</p>
          <p>{t('districts.page.reasonDocs')}</p>
          <ul class="usa-list">
            {r.documents.map((doc) => (
              <li key={doc.code}>{docLabel(doc.code)}: {L(d.documents.find((x) => x.code === doc.code)!.description)}</li>
            ))}
          </ul>
        </section>
      ))}

      <h2>{t('districts.page.denialHeading')}</h2>
      <ul class="usa-list">
        {d.denialReasons.map((r) => <li key={r.code}>{L(r.label)}</li>)}
      </ul>

      <h2>{t('districts.page.deadlinesHeading')}</h2>
      <p>{t('districts.page.deadlinesRule')}</p>
      <ul class="usa-list">
        {view.deadlines.map((x) => (
          <li key={x.year}>
            {t('districts.page.deadlineYear', { year: x.year.replace('-', '–'), firstDay: i18n.date(x.firstDay), cutoff: i18n.date(x.cutoff), due: i18n.date(x.earlyDue) })}
          </li>
        ))}
      </ul>
      <p>{t('districts.page.silence')}</p>

      <h2>{t('districts.page.missingHeading')}</h2>
      <p>{t('districts.page.missing', { days: d.abandonment.incompleteDays })}</p>
      <p>{t('districts.page.abandonment')}</p>

      <h2>{t('districts.page.appealHeading')}</h2>
      <p>{t('districts.page.appeal', { office: L(d.appeals.office), days: d.appeals.days, address: d.appeals.address })}</p>
      <p>{t('districts.page.noAppeal')}</p>

      <h2>{t('districts.page.revocationHeading')}</h2>
      <ul class="usa-list">
        {d.revocationReasons.map((r) => <li key={r.code}>{L(r.label)}</li>)}
      </ul>
      <p>{t('districts.page.revocationLimits')}</p>

      <h2>{t('districts.page.contactHeading')}</h2>
      <p>{d.contact.address}</p>
      <p>{t('districts.page.phone')}: {d.contact.phone} · {t('districts.page.email')}: <a class="usa-link" href={`mailto:${d.contact.email}`}>{d.contact.email}</a></p>
    </Layout>
  );
}
