import type { PageContext } from '../../../platform/views/context.js';
import type { DistrictConfig, Localized } from '../../districts/config-schema.js';
import { formatConfirmationNumber } from '../../applications/confirmation-number.js';
import type { RequestView } from '../request-view.js';

type HistoryEvent = RequestView['events'][number];
type HistoryMessage = RequestView['messages'][number];

/** One line of a request's history: when, and what happened in words. */
export interface HistoryLine {
  at: string;
  text: string;
  email: boolean;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A history event in words, in the page's language. The services store short details beside each
 * change of status (`school:3001 years:1`, `due:2026-12-07`, reason codes, …); they are written out
 * here, when the page is shown, so events stored long ago read as well as new ones. A detail this
 * does not know is shown as stored, after the change of status, rather than lost.
 */
export function describeEvent(ctx: PageContext, district: DistrictConfig, e: HistoryEvent): string {
  const { t, i18n } = ctx;
  const lang = ctx.lang as keyof Localized;
  const words = (l: Localized) => l[lang] ?? l.en;
  const day = (d: string) => (ISO_DAY.test(d) ? i18n.date(d) : d);
  const school = (code: string) => district.schools.find((s) => s.code === code)?.name ?? code;
  const reasons = (list: { code: string; label: Localized }[], note: string) =>
    note.split(',').map((code) => { const r = list.find((x) => x.code === code.trim()); return r ? words(r.label) : code; }).join('; ');
  const status = (s: string) => t(`applications.status.${s}`);
  const note = (e.note ?? '').trim();
  let m: RegExpExecArray | null;

  if (note === 'submitted' && !e.from_status) return t('history.received', { status: status(e.to_status) });
  if ((m = /^documents:(\d+)$/.exec(note))) return t('history.documents', { count: Number(m[1]) });
  if (note === 'documents complete') return t('history.documentsComplete');
  if (note === 'answer to a request for missing items') return t('history.infoAnswered', { status: status(e.to_status) });
  if ((m = /^due:(\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.infoRequested', { due: day(m[1]) });
  if ((m = /^school:(\S+) years:(\d+)$/.exec(note))) return t('history.approved', { school: school(m[1]), count: Number(m[2]) });
  if ((m = /^release years:(\d+)$/.exec(note))) return t('history.released', { count: Number(m[1]) });
  if (note.startsWith('released by law:')) return t('history.releasedByLaw');
  if ((m = /^both schools approved; school:(\S+)$/.exec(note))) return t('history.schoolsApproved', { school: school(m[1]) });
  if ((m = /^(residence|requested) school (approved|denied)$/.exec(note))) return t(`history.school.${m[1]}.${m[2]}`);
  if ((m = /^(residence|requested) school$/.exec(note)) && e.to_status === 'denied') return t(`history.schoolDenied.${m[1]}`);
  if ((m = /^appeal filed (\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.appealFiled', { date: day(m[1]) });
  if ((m = /^appeal (upheld|overturned) (\d{4}-\d{2}-\d{2})$/.exec(note))) return t(`history.appeal.${m[1]}`, { date: day(m[2]) });
  if (/^appeal-window-closed:/.test(note)) return t('history.appealWindowClosed');
  if (e.to_status === 'abandoned' && note === 'info-request-lapsed') return t('history.abandonedInfo');
  if (e.to_status === 'abandoned' && note === 'incomplete') return t('history.abandonedIncomplete');
  if (e.to_status === 'deemed_denied' && note === 'no-decision-by-deadline') return t('history.deemedDenied');
  if ((m = /^provisional (\d{4}-\d{2}-\d{2}) – (\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.provisional', { first: day(m[1]), ends: day(m[2]) });
  if ((m = /^provisional-warning (\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.provisionalWarning', { date: day(m[1]) });
  if ((m = /^provisional-ended (\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.provisionalEnded', { date: day(m[1]) });
  if ((m = /^review:(continue|concern)$/.exec(note))) return t(`history.review.${m[1]}`);
  if ((m = /^sent to (.+) as (\S+)$/.exec(note))) return t('history.sentTo', { district: m[1], confirmation: formatConfirmationNumber(m[2]) });
  if ((m = /^forwarded from (?:approved )?release (\S+)( \(DEC-19)?/.exec(note))) return t(m[2] ? 'history.forwardedByLaw' : 'history.forwarded', { confirmation: formatConfirmationNumber(m[1]) });
  if (note === 'withdrawn by the parent') return t('history.withdrawn');
  if ((m = /^its release (\S+) was withdrawn$/.exec(note))) return t('history.releaseWithdrawn', { confirmation: formatConfirmationNumber(m[1]) });
  if ((m = /^school change reported: (\S+) from (\d{4}-\d{2}-\d{2})$/.exec(note))) return t('history.schoolChange', { school: school(m[1]), date: day(m[2]) });
  if (e.to_status === 'denied' && e.from_status !== 'denied' && note) return t('history.denied', { reasons: reasons(district.denialReasons, note) });
  if (e.to_status === 'revoked' && note) return t('history.revoked', { reasons: reasons(district.revocationReasons, note) });

  // Anything else: the change of status in words, and the detail as it was written.
  const change = e.from_status && e.from_status !== e.to_status ? t('history.change', { from: status(e.from_status), to: status(e.to_status) }) : status(e.to_status);
  return note ? `${change} (${note})` : change;
}

/**
 * The request's history in the order things happened: its events and the emails it caused, one
 * list, by time. An email written in the same moment as the change that caused it comes after it.
 */
export function historyLines(ctx: PageContext, district: DistrictConfig, events: HistoryEvent[], messages: HistoryMessage[]): HistoryLine[] {
  const lines = [
    ...events.map((e, i) => ({ at: e.at, text: describeEvent(ctx, district, e), email: false, order: i })),
    ...messages.map((m, i) => ({ at: m.created_at, text: ctx.t('history.email', { subject: m.subject }), email: true, order: events.length + i })),
  ];
  lines.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.order - b.order));
  return lines.map(({ at, text, email }) => ({ at, text, email }));
}

/** The history list of a request's staff page. */
export function History({ ctx, district, events, messages }: { ctx: PageContext; district: DistrictConfig; events: HistoryEvent[]; messages: HistoryMessage[] }) {
  return (
    <ol class="usa-list app-history">
      {historyLines(ctx, district, events, messages).map((line, i) => (
        <li key={i} class={line.email ? 'app-history__email' : undefined}>
          <time dateTime={line.at}>{ctx.i18n.dateTime(line.at)}</time> — {line.text}
        </li>
      ))}
    </ol>
  );
}
