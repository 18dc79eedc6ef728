import type { ApplicationsTable, DecisionsTable, PermitsTable } from '../../../platform/db/schema.js';
import type { PageContext } from '../../../platform/views/context.js';

/** DEC-11: a request's permit and its letters, in the request's box on the parent's student page. */
export function StoryDecisions({ ctx, application: a, decisions, permit }: { ctx: PageContext; application: ApplicationsTable; decisions: DecisionsTable[]; permit: (PermitsTable & { schoolName: string | null; code: string }) | null }) {
  const { t, i18n } = ctx;
  return (
    <>
      {permit ? (
        <p>
          {permit.schoolName ? `${permit.schoolName} · ` : ''}
          {t('decisions.letter.yearsValue', { first: permit.first_year, last: permit.last_year })} · {t('decisions.letter.verification')} {permit.code}
        </p>
      ) : null}
      {decisions.length ? (
        <ul class="usa-list">
          {decisions.map((d) => (
            <li key={d.id}>
              <a class="usa-link" href={`/applications/${a.id}/letters/${d.id}.pdf`}>
                {t(d.kind === 'approved' && a.kind !== 'incoming' ? `decisions.letter.title.approved_${a.kind}` : `decisions.letter.title.${d.kind}`)}
              </a>{' '}
              — {i18n.date(d.decided_on)} <span class="usa-sr-only">(PDF)</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
