import type { RecordSection } from './context.js';
import type { RollNotices } from './notices.js';

/**
 * ENR-7, DEC-10, DEC-13 on the office's page of one student: the open notices of a permit revoked
 * or ended by a move, each linking to the school's list where it is marked done. Nothing when
 * there is none, and nothing for a teacher.
 */
export const noticesRecordSection = (notices: RollNotices, schoolName: (id: string) => string): RecordSection => async (_req, staff, studentId) => {
  const rows = await notices.ofStudent(staff, studentId);
  if (rows.length === 0) return null;
  return ({ t, i18n }) => (
    <section aria-labelledby="roll-notices-heading">
      <div class="usa-alert usa-alert--warning">
        <div class="usa-alert__body">
          <h2 class="usa-alert__heading" id="roll-notices-heading">{t('roll-notices.section.heading')}</h2>
          <ul class="usa-list">
            {rows.map((r) => (
              <li key={r.id}>
                {t(`roll-notices.kinds.${r.kind}`)} ({schoolName(r.schoolId)}, {i18n.dateTime(r.createdAt)}){r.detailKey ? <>: {t(r.detailKey)}</> : null}.{' '}
                <a class="usa-link" href={`/staff/roll/notices?school=${encodeURIComponent(r.schoolId)}#notice-${r.id}`}>{t('roll-notices.section.link')}</a>
              </li>
            ))}
          </ul>
          <p class="usa-alert__text">{t('roll-notices.section.stays')}</p>
        </div>
      </div>
    </section>
  );
};
