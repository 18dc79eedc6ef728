import { FormLayout } from '../../../platform/views/form-layout.js';
import type { FormState, PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { CsrfField, DateFields, SubmitButton } from '../../../platform/views/forms.js';
import type { StudentRow } from '../repository.js';
import { adviceSummaryKey, type RenderedAdviceLine } from '../move-advice.js';
import { oneLine } from '../move-forms.js';
import type { MoveSummary } from '../moves.js';
import { AddressFields } from './address-fields.js';

export interface LastMove {
  movedOn: string;
  address: string;
  lines: RenderedAdviceLine[];
}

/** What a move or a change of school means, each line with the place to act on it. */
export function AdviceList({ lines }: { lines: RenderedAdviceLine[] }) {
  return (
    <ul class="usa-list">
      {lines.map((l, i) => (
        <li key={i}>
          {l.text}
          {l.link ? (
            <>
              {' '}
              <a class="usa-link" href={l.link.href}>{l.link.text}</a>
            </>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** DEC-13: report a move, see what it means for the permits, and the moves reported before. */
export function MovePage({ ctx, student, form, lastMove, history }: { ctx: PageContext; student: StudentRow; form: FormState; lastMove: LastMove | null; history: MoveSummary[] }) {
  const { t, i18n } = ctx;
  const name = student.first_name;
  const title = t('moves.page.title', { name: `${student.first_name} ${student.last_name}` });
  return (
    <FormLayout ctx={ctx} title={title} form={form} back={{ href: `/students/${student.id}`, label: t('moves.backToStudent', { name: `${student.first_name} ${student.last_name}` }) }}>
      {lastMove ? (
        <section class="usa-alert usa-alert--info" aria-labelledby="move-advice-heading">
          <div class="usa-alert__body">
            <h2 class="usa-alert__heading" id="move-advice-heading">{t('moves.page.adviceHeading')}</h2>
            <p class="usa-alert__text">{t('moves.page.adviceIntro', { address: lastMove.address, date: i18n.date(lastMove.movedOn) })}</p>
            <AdviceList lines={lastMove.lines} />
          </div>
        </section>
      ) : null}
      <p class="usa-intro">{t('moves.page.intro', { name })}</p>
      <div class="usa-summary-box" role="region" aria-labelledby="move-rule-heading">
        <div class="usa-summary-box__body">
          <h2 class="usa-summary-box__heading" id="move-rule-heading">{t('moves.page.ruleHeading')}</h2>
          <div class="usa-summary-box__text"><p>{t('moves.page.rule')}</p></div>
        </div>
      </div>
      <h2>{t('moves.page.currentAddress')}</h2>
      <p>{oneLine(student)}</p>
      <form method="post" action={`/students/${student.id}/move`} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <AddressFields ctx={ctx} form={form} heading={t('moves.page.newAddressHeading')} hint={t('moves.page.newAddressHint', { name })} />
        <DateFields ctx={ctx} form={form} name="moved_on" prefix="moved" label={t('moves.page.movedOn')} hint={t('moves.page.movedOnHint', { name })} required />
        <SubmitButton>{t('moves.page.submit')}</SubmitButton>
      </form>
      <p><a class="usa-link" href={`/students/${student.id}/school-change`}>{t('moves.page.schoolChangeLink')}</a></p>

      <h2>{t('moves.page.historyHeading')}</h2>
      {history.length === 0 ? (
        <p>{t('moves.page.none', { name })}</p>
      ) : (
        <div class="usa-table-container--scrollable" tabIndex={0}>
          <DataTable
            caption={t('moves.page.historyCaption', { name })}
            variants={['borderless', 'stacked']}
            rows={history}
            rowKey={(m) => m.id}
            columns={[
              { header: t('moves.page.colMoved'), rowHeader: true, cell: (m) => i18n.date(m.movedOn) },
              { header: t('moves.page.colReported'), cell: (m) => i18n.date(m.reportedOn) },
              { header: t('moves.page.colAddress'), cell: (m) => m.newAddress },
              { header: t('moves.page.colLate'), cell: (m) => (m.late ? t('moves.page.late') : t('moves.page.onTime')) },
              { header: t('moves.page.colAdvice'), cell: (m) => t(adviceSummaryKey(m.advice)) },
            ]}
          />
        </div>
      )}
    </FormLayout>
  );
}
