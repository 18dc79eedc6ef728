import { describe, expect, it } from 'vitest';
import { loadCatalogs } from '../../../platform/i18n/catalogs.js';
import { translator } from '../../../platform/i18n/translator.js';
import { loadDistrictConfigs } from '../../districts/loader.js';
import type { PageContext } from '../../../platform/views/context.js';
import { describeEvent, historyLines } from './history.js';

const catalogs = loadCatalogs();
const district = loadDistrictConfigs('config/districts').find((d) => d.slug === 'lausd-sample')!;
const ctxOf = (lang: 'en' | 'es'): PageContext => {
  const i18n = translator(catalogs, lang);
  return { i18n, t: i18n.t, lang, languages: catalogs.languages, csrfToken: '', user: null, staff: null, path: '/' };
};
const at = '2026-11-22T18:00:00.000Z';
const ev = (note: string | null, to_status: string, from_status: string | null = to_status) => ({ at, actor: 'system', from_status, to_status, note });

/** Every detail the services write beside a change of status (the stored form, old events included). */
const STORED: [ReturnType<typeof ev>, string][] = [
  [ev('submitted', 'incomplete', null), 'Request received (status: Incomplete)'],
  [ev('documents:1', 'incomplete'), '1 document received'],
  [ev('documents:3', 'submitted'), '3 documents received'],
  [ev('documents complete', 'submitted', 'incomplete'), 'All required documents received: the request is complete and waits in the queue'],
  [ev('answer to a request for missing items', 'submitted', 'info_requested'), 'The parent answered the request for missing items (status: Received)'],
  [ev('due:2026-12-07', 'info_requested', 'submitted'), 'Missing items asked of the parent, due Monday, December 7, 2026'],
  [ev('school:3002 years:1', 'approved', 'submitted'), 'Approved for Highland Park High School, 1 school year'],
  [ev('school:1002 years:2', 'approved', 'submitted'), 'Approved for Sunrise Avenue Elementary, 2 school years'],
  [ev('release years:3', 'approved', 'submitted'), 'Release approved, 3 school years'],
  [ev('released by law: the receiving district approved a priority transfer (DEC-19)', 'approved', 'submitted'), 'Released by law: the receiving district approved a priority transfer (DEC-19)'],
  [ev('both schools approved; school:2001', 'approved', 'submitted'), 'Approved by both schools, for Mission Hills Middle School'],
  [ev('residence school approved', 'submitted'), 'The school of residence approved'],
  [ev('requested school denied', 'submitted'), 'The requested school denied'],
  [ev('requested school', 'denied', 'submitted'), 'Denied: the requested school said no'],
  [ev('no-space-grade', 'denied', 'submitted'), `Denied: ${district.denialReasons.find((r) => r.code === 'no-space-grade')!.label.en}`],
  [ev('attendance', 'revoked', 'approved'), 'Permit revoked: Repeated failure to follow attendance policies'],
  [ev('appeal filed 2026-12-01', 'denied'), 'Appeal filed on Tuesday, December 1, 2026'],
  [ev('appeal overturned 2027-01-10', 'denied'), 'The county office overturned the denial on Sunday, January 10, 2027'],
  [ev('appeal upheld 2027-01-10', 'denied'), 'The county office upheld the denial on Sunday, January 10, 2027'],
  [ev('appeal-window-closed:01JAAAAAAAAAAAAAAAAAAAAAAA', 'denied'), 'The time to appeal ended without an appeal: the denial is final (DEC-8)'],
  [ev('info-request-lapsed', 'abandoned', 'info_requested'), 'Abandoned: the missing items were not sent by their due date (DEC-4)'],
  [ev('incomplete', 'abandoned', 'incomplete'), "Abandoned: still incomplete when the district's time limit passed (DEC-17)"],
  [ev('no-decision-by-deadline', 'deemed_denied', 'submitted'), 'Denied by law: no written decision by the deadline (DEC-15)'],
  [ev('provisional 2026-08-12 – 2026-09-11', 'submitted'), 'Enrolled provisionally from Wednesday, August 12, 2026 to Friday, September 11, 2026 (DEC-12)'],
  [ev('provisional-warning 2026-09-11', 'submitted'), 'Reminder sent: the provisional enrollment ends on Friday, September 11, 2026'],
  [ev('provisional-ended 2026-09-11', 'submitted'), 'The provisional enrollment ended on Friday, September 11, 2026'],
  [ev('review:continue', 'approved'), 'Periodic review: the permit continues (DEC-14)'],
  [ev('review:concern', 'approved'), 'Periodic review: a concern was noted (DEC-14)'],
  [ev('sent to Los Angeles as AB12CD34E', 'approved'), 'Sent to Los Angeles as request AB12-CD34-E'],
  [ev('forwarded from approved release AB12CD34E', 'incomplete', null), 'Arrived from the approved release AB12-CD34-E'],
  [ev('forwarded from release AB12CD34E (DEC-19: the district of residence cannot block it)', 'incomplete', null), 'Arrived from release AB12-CD34-E: the district of residence cannot block it (DEC-19)'],
  [ev('withdrawn by the parent', 'withdrawn', 'submitted'), 'Withdrawn by the parent'],
  [ev('its release AB12CD34E was withdrawn', 'withdrawn', 'submitted'), 'Closed: its release AB12-CD34-E was withdrawn'],
  [ev('school change reported: 2002 from 2027-01-04', 'approved'), 'The parent reported a change to Echo Park Middle School from Monday, January 4, 2027'],
];

describe('a request\'s history in words', () => {
  it('writes every stored detail out in English: schools by name, dates written out, reasons by their labels, no codes', () => {
    for (const [event, words] of STORED) {
      const text = describeEvent(ctxOf('en'), district, event);
      expect(text, event.note ?? '').toBe(words);
      expect(text).not.toMatch(/\b(school|years|due|review):\S|\d{4}-\d{2}-\d{2}|provisional-|-lapsed|-by-deadline/);
    }
  });

  it('LNG-1 and in Spanish for staff who chose it, every detail with Spanish words', () => {
    const es = ctxOf('es');
    const say = (note: string, to: string, from: string | null = to) => describeEvent(es, district, ev(note, to, from));
    expect(say('school:3002 years:1', 'approved', 'submitted')).toBe('Aprobada para Highland Park High School, 1 año escolar');
    expect(say('school:3002 years:2', 'approved', 'submitted')).toBe('Aprobada para Highland Park High School, 2 años escolares');
    expect(say('due:2026-12-07', 'info_requested', 'submitted')).toBe('Se pidió al padre o la madre lo que faltaba, con plazo hasta el lunes, 7 de diciembre de 2026');
    expect(say('attendance', 'revoked', 'approved')).toBe('Permiso revocado: Incumplimiento repetido de las normas de asistencia');
    for (const [event] of STORED) expect(describeEvent(es, district, event), event.note ?? '').not.toBe(describeEvent(ctxOf('en'), district, event));
  });

  it('a detail it does not know keeps the change of status in words and the detail as stored', () => {
    expect(describeEvent(ctxOf('en'), district, ev('fixed by hand', 'submitted', 'incomplete'))).toBe('Incomplete → Received (fixed by hand)');
    expect(describeEvent(ctxOf('en'), district, ev(null, 'approved', 'submitted'))).toBe('Received → Approved');
  });

  it('puts events and emails in one list in the order they happened; an email comes after the change written in the same moment', () => {
    const lines = historyLines(ctxOf('en'), district,
      [
        { at: '2026-11-22T18:00:00.000Z', actor: 'staff:x', from_status: 'submitted', to_status: 'approved', note: 'school:2001 years:1' },
        { at: '2026-11-23T18:00:00.000Z', actor: 'staff:x', from_status: 'approved', to_status: 'revoked', note: 'attendance' },
      ],
      [
        { id: 'm1', subject: 'Permit approved for Mateo', created_at: '2026-11-22T18:00:00.000Z', status: 'sent' },
        { id: 'm2', subject: 'Permit revoked for Mateo', created_at: '2026-11-23T18:00:00.000Z', status: 'pending' },
      ]);
    expect(lines.map((l) => l.text)).toEqual([
      'Approved for Mission Hills Middle School, 1 school year',
      'Email to the family: Permit approved for Mateo',
      'Permit revoked: Repeated failure to follow attendance policies',
      'Email to the family: Permit revoked for Mateo',
    ]);
  });
});
