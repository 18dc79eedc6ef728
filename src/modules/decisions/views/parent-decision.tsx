import type { PageContext } from '../../../platform/views/context.js';
import type { DecisionsTable, InfoRequestsTable, PermitsTable } from '../../../platform/db/schema.js';
import type { DistrictConfig } from '../../districts/config-schema.js';
import { formatVerificationCode } from '../rules.js';

/**
 * DEC-2, DEC-8, DOC-4: on the parent's application page, every decision with its letter to
 * print, the appeal date written out, and any open request for missing items with its due date.
 */
export function ParentDecisionSection({ ctx, applicationId, district, decisions, permit, schoolName, openInfoRequests }: {
  ctx: PageContext; applicationId: string; district: DistrictConfig; decisions: DecisionsTable[]; permit?: PermitsTable; schoolName?: string; openInfoRequests: InfoRequestsTable[];
}) {
  const { t, i18n } = ctx;
  const lang = ctx.lang as 'en' | 'es';
  if (decisions.length === 0 && openInfoRequests.length === 0) return null;
  const latest = decisions[decisions.length - 1];
  const office = district.appeals.office[lang] ?? district.appeals.office.en;
  return (
    <section aria-labelledby="parent-decision" class="app-parent-decision">
      {openInfoRequests.map((r) => (
        <div class="usa-alert usa-alert--warning" key={r.id}>
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id={decisions.length ? undefined : 'parent-decision'}>{t('decisions.parent.infoHeading', { due: i18n.date(r.due_on) })}</h2>
            <p class="usa-alert__text">{r.message}</p>
            {(JSON.parse(r.doc_codes) as string[]).length ? (
              <ul class="usa-list">
                {(JSON.parse(r.doc_codes) as string[]).map((c) => <li key={c}>{district.documents.find((d) => d.code === c)?.label[lang] ?? c}</li>)}
              </ul>
            ) : null}
            <p class="usa-alert__text">{t('decisions.parent.infoHelp')}</p>
          </div>
        </div>
      ))}
      {latest ? (
        <>
          <h2 id="parent-decision">{t('decisions.parent.heading')}</h2>
          <p>
            <strong>{t(`decisions.letter.title.${latest.kind}`)}</strong> — {i18n.date(latest.decided_on)}
          </p>
          {latest.kind === 'approved' && permit ? (
            <p>{t('decisions.parent.approved', { school: schoolName ?? '', first: permit.first_year, last: permit.last_year, code: formatVerificationCode(permit.verification_code) })}</p>
          ) : null}
          {latest.appeal_until ? <p>{t('decisions.parent.appeal', { office, until: i18n.date(latest.appeal_until) })}</p> : null}
          {!latest.appeal_until && latest.no_appeal_reason ? <p>{t(`decisions.noAppeal.${latest.no_appeal_reason}`)}</p> : null}
          <ul class="usa-list">
            {decisions.map((d) => (
              <li key={d.id}>
                <a class="usa-link" href={`/applications/${applicationId}/letters/${d.id}.pdf`}>
                  {t('decisions.parent.letterLink', { title: t(`decisions.letter.title.${d.kind}`), date: i18n.date(d.decided_on) })}
                </a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
