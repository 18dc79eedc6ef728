import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type Page } from './support/client.js';
import { buildParent, buildStudent, signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { newId } from '../src/platform/ids.js';
import { generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { namePairs, nameWords, searchPair, searchWords } from '../src/platform/name-key.js';
import { NAME_INDEX_LIMIT, PAIR_INDEX_LIMIT, QueueService } from '../src/modules/staff/queue.js';
import * as m0012 from '../src/platform/db/migrations/0012_student_name_words.js';

/**
 * DEC-1: the permit office finds a family's request in its queue (kept in the order received) by
 * any word of the student's names, as compound first names and second surnames are the norm for
 * many families (docs/adr/0022-name-words.md).
 */
const P = 'paramount-sample';
const L = 'lausd-sample';
const YEAR = '2027-2028';
/** Garfield Park Elementary (102) for K-5 in config/districts/paramount-sample.ranges.csv. */
const LIVES_IN_PARAMOUNT = { address_line1: '8312 Garfield Ave', city: 'Paramount', zip: '90723', current_grade: '2' };

const keyOf = (html: string) => /name="submission_key" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The id in a "303 → /applications/:id/confirmation" answer. */
function submitted(res: Page): string {
  expect(res.status, textOf(res.html).slice(0, 600)).toBe(303);
  const m = /^\/applications\/([^/]+)\/confirmation/.exec(res.location ?? '');
  if (!m) throw new Error(`not a confirmation: ${res.location}`);
  return m[1];
}

/** The requests a queue page lists, in the order shown: the ids its rows link to. */
const listed = (html: string): string[] => [...html.matchAll(/href="\/staff\/requests\/([^"#/?]+)"/g)].map((m) => m[1]);

/** A signed-in parent with one student of these names, living outside Paramount (Downey) unless `home` says otherwise. */
async function family(t: TestApp, names: { first_name: string; middle_name?: string | null; last_name: string }, home: Record<string, unknown> = {}) {
  const parent = await signedInParent(t);
  const student = await buildStudent(t, parent.user.id, { ...home, ...names });
  return { ...parent, student };
}
type Family = Awaited<ReturnType<typeof family>>;

/** The parent asks Paramount for an incoming permit through its pages (guidelines, form). */
async function submitIncoming(f: Family): Promise<string> {
  await f.client.get(`/apply/${P}`);
  const agreed = await f.client.post(`/apply/${P}`, { student: f.student.id, agree: 'yes' });
  expect(agreed.status).toBe(303);
  const form = await f.client.get(agreed.location!);
  return submitted(
    await f.client.post(`/apply/${P}/form`, {
      submission_key: keyOf(form.html), school_year: YEAR, grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '101',
      relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
    }),
  );
}

/** The parent asks Paramount for a release to LAUSD (an outgoing request) through its form. */
async function submitRelease(f: Family): Promise<string> {
  const form = await f.client.get(`/apply/${P}/outgoing?student=${f.student.id}`);
  return submitted(
    await f.client.post(`/apply/${P}/outgoing`, {
      agree: 'yes', student: f.student.id, school_year: YEAR, grade_requested: '3', current_grade: '2', reason: 'parent-employment',
      target_district: L, target_district_name: '', target_school: `${L}:1001`, target_school_name: '',
      relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email, submission_key: keyOf(form.html),
    }),
  );
}

for (const db of databases) {
  describe(`finding a request by any word of the student's names on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: '2027-02-15T18:00:00Z', env: { SESSION_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '10000' } });
    });
    afterAll(async () => t.close());

    it("DEC-1 finds María José O'Neil-Hernández's request by any word of her names, in any order, accents, case and apostrophes aside, and not by a word she does not have", async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const maria = await family(t, { first_name: 'María José', last_name: "O'Neil-Hernández" });
      const incoming = await submitIncoming(maria);
      t.clock.advance(60_000);
      // Her brother's request, with her second surname: compound names run in families.
      const brother = await submitIncoming(await family(t, { first_name: 'Santiago', last_name: "O'Neil-Hernández" }));
      // Another family sharing one of her words, and one with none of them.
      t.clock.advance(60_000);
      const other = await submitIncoming(await family(t, { first_name: 'José Luis', last_name: 'Sánchez Hernández' }));
      await submitIncoming(await family(t, { first_name: 'Marisol', last_name: 'Oñate' }));
      // LAUSD's queue is another district's: her name is not found there.
      const lausd = await request(t, L, { student_first_name: 'María José', student_last_name: "O'Neil-Hernández" });
      const { client } = await staffMember(t, P);
      const found = async (q: string) => {
        const page = await client.get(`/staff/queue?q=${encodeURIComponent(q)}`);
        expect(page.status).toBe(200);
        return listed(page.html);
      };

      // Hers only, however it is typed.
      for (const q of ['maria jose', 'Hernández María', 'José María', 'MARÍA JOSÉ O’NEIL-HERNÁNDEZ', 'mariajose', 'maria oneil', 'jose neil']) {
        expect(await found(q), q).toEqual([incoming]);
      }
      // A surname she shares with her brother finds both, in the order received; with another
      // family, all three.
      for (const q of ["O'Neil", 'O’Neil', 'oneil', 'neil', 'o neil', 'oneilhernandez', "O'Neil-Hernández"]) expect(await found(q), q).toEqual([incoming, brother]);
      for (const q of ['Hernández', 'hernandez', 'HERNAN']) expect(await found(q), q).toEqual([incoming, brother, other]);
      for (const q of ['José', 'jose']) expect(await found(q), q).toEqual([incoming, other]);
      // Every word typed must start a word of her names: one that does not rules her out.
      for (const q of ['Sánchez', 'maria sanchez', 'ernandez', 'marisol jose', 'hernandez luis maria', 'zzz']) expect(await found(q), q).not.toContain(incoming);
      expect(await found('jose luis')).toEqual([other]);
      expect(await found('maria jose')).not.toContain(lausd.id);
      // Other filters still apply with it.
      expect(listed((await client.get('/staff/queue?q=hernandez&kind=outgoing')).html)).toEqual([]);
      expect(listed((await client.get('/staff/queue?q=hernandez&kind=incoming')).html)).toEqual([incoming, brother, other]);
    });

    it('DEC-1 finds a release (an outgoing request) by any word of the names too: every kind of request writes its name words', async () => {
      t.clock.set('2027-02-15T19:00:00Z');
      const f = await family(t, { first_name: 'Renata', last_name: 'Ibáñez-Quiroga' }, LIVES_IN_PARAMOUNT);
      const release = await submitRelease(f);
      const { client } = await staffMember(t, P);
      for (const q of ['quiroga', 'Renata Ibáñez']) expect(listed((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html), q).toEqual([release]);
      expect(listed((await client.get('/staff/queue?q=quiroga&kind=outgoing')).html)).toEqual([release]);
    });

    it('DEC-1 finds a request by the middle name of the student, as the student record held it when the request was made', async () => {
      t.clock.set('2027-02-16T18:00:00Z');
      const f = await family(t, { first_name: 'Ana', middle_name: 'Lucía', last_name: 'Ferrer Vidal' });
      const id = await submitIncoming(f);
      const words = (await t.deps.db.selectFrom('student_name_words').select(['word', 'district_id']).where('application_id', '=', id).orderBy('word').execute());
      expect(words).toEqual(['ana', 'ferrer', 'ferrervidal', 'lucia', 'vidal'].map((word) => ({ word, district_id: P })));
      const { client } = await staffMember(t, P);
      for (const q of ['lucia ferrer', 'Vidal Ana', 'LUCÍA']) expect(listed((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html), q).toEqual([id]);
    });

    it('DEC-1 pages through a search of several words in the order received', async () => {
      t.clock.set('2027-02-17T18:00:00Z');
      const owner = await buildParent(t);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        await request(t, L, { student_first_name: 'Pagina', student_last_name: `Otra${i}` }, owner); // in between, not found
        ids.push((await request(t, L, { student_first_name: 'Paula Inés', student_last_name: `Páginez-Ruiz${i}` }, owner)).id);
        t.clock.advance(60_000);
      }
      const { id } = await staffMember(t, L);
      const staff = { id, districtId: L, email: '', firstName: '', lastName: '', role: 'permit_staff' as const };
      const queue = new QueueService(t.deps);
      const pages = async (q: string) => {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await queue.page(staff, { q, after }, 2);
          seen.push(...page.rows.map((r) => r.id));
          after = page.next ?? undefined;
        } while (after);
        return seen;
      };
      for (const q of ['ines pagin', 'ruiz paula', 'paginez']) expect(await pages(q), q).toEqual(ids);
    });

    it('DEC-1 migration 0012 writes the name words of the requests already there, and the search finds them page after page in the order received', async () => {
      t.clock.set('2027-02-18T18:00:00Z');
      const owner = await buildParent(t);
      const student = await buildStudent(t, owner.id, { middle_name: 'Itzel' });
      const first = await request(t, P, { student_id: student.id, student_first_name: 'Éloïse', student_last_name: 'Backfillé' }, owner);
      // The schema before 0012: no name words. Rows written then (more than one batch of 1,000,
      // and more words than the search reads from its index) have none.
      await m0012.down(t.deps.db);
      const rows = Array.from({ length: NAME_INDEX_LIMIT + 100 }, (_, i) => ({
        ...first, id: newId(), confirmation_number: generateConfirmationNumber(), submission_key: newId(), student_first_name: i % 2 ? 'Ñoño Ramón' : 'Ana',
        student_last_name: `Backfillé-Dos ${String(i).padStart(4, '0')}`, received_at: new Date(Date.parse(first.received_at) + (i + 1) * 1000).toISOString(),
      }));
      for (let i = 0; i < rows.length; i += 500) await t.deps.db.insertInto('applications').values(rows.slice(i, i + 500) as never).execute();
      await m0012.up(t.deps.db);

      const wordsOf = async (id: string) => (await t.deps.db.selectFrom('student_name_words').select('word').where('application_id', '=', id).orderBy('word').execute()).map((w) => w.word);
      expect(await wordsOf(first.id)).toEqual(['backfille', 'eloise', 'itzel']);
      expect(await wordsOf(rows[1].id)).toEqual(['0001', 'backfille', 'backfilledos0001', 'dos', 'itzel', 'nono', 'nonoramon', 'ramon']);
      // …and their pair keys, for a search of two common words.
      const pairsOf = async (id: string) => (await t.deps.db.selectFrom('student_name_pairs').select('pair').where('application_id', '=', id).orderBy('pair').execute()).map((p) => p.pair);
      expect(await pairsOf(first.id)).toEqual(['bac eloise', 'bac itzel', 'elo backfille', 'elo itzel', 'itz backfille', 'itz eloise']);
      expect(await pairsOf(rows[1].id)).toEqual(namePairs(await wordsOf(rows[1].id)).sort());
      const count = await t.deps.db.selectFrom('student_name_words').select((eb) => eb.fn.countAll<number>().as('n')).where('district_id', '=', P).where('word', '=', 'backfille').executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(rows.length + 1);

      const { id } = await staffMember(t, P);
      const staff = { id, districtId: P, email: '', firstName: '', lastName: '', role: 'permit_staff' as const };
      const queue = new QueueService(t.deps);
      const all = async (q: string) => {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await queue.page(staff, { q, after }, 500);
          seen.push(...page.rows.map((r) => r.id));
          after = page.next ?? undefined;
        } while (after);
        return seen;
      };
      // More matches than the index limit: the queue is walked in order.
      expect(await all('backfille')).toEqual([first.id, ...rows.map((r) => r.id)]);
      // Fewer: found from the search index and sorted, the same order.
      expect(await all('ramon dos backfille')).toEqual(rows.filter((_, i) => i % 2).map((r) => r.id));
      expect(await all('eloise itzel')).toEqual([first.id]);
    });

    it('DEC-1 finds two words each common but rare together from the pair keys: both words whole, a second word begun, in either order, three words, and a pair across a hyphenated surname, page after page in the order received', async () => {
      t.clock.set('2027-02-19T18:00:00Z');
      const owner = await buildParent(t);
      const base = await request(t, L, { student_first_name: 'Bruno', student_last_name: 'Base' }, owner);
      // More requests than the word index is read for, for each of "mateo", "perez" and "lopez"
      // (so every word of a search of them is common), written as insertNameWords writes them.
      const fill = Array.from({ length: 2 * (NAME_INDEX_LIMIT + 50) }, (_, i) => ({
        ...base, id: newId(), confirmation_number: generateConfirmationNumber(), submission_key: newId(),
        student_first_name: i % 2 ? 'Mateo' : 'Valentina', student_last_name: i % 2 ? 'Pérez' : 'López',
        received_at: new Date(Date.parse(base.received_at) + (i + 1) * 1000).toISOString(),
      }));
      for (let i = 0; i < fill.length; i += 500) await t.deps.db.insertInto('applications').values(fill.slice(i, i + 500)).execute();
      const named = fill.map((r) => ({ r, words: nameWords(r.student_first_name, r.student_last_name) }));
      const words = named.flatMap(({ r, words }) => words.map((word) => ({ application_id: r.id, district_id: L, word })));
      const pairs = named.flatMap(({ r, words }) => namePairs(words).map((pair) => ({ application_id: r.id, district_id: L, pair, received_at: r.received_at })));
      for (let i = 0; i < words.length; i += 500) await t.deps.db.insertInto('student_name_words').values(words.slice(i, i + 500)).execute();
      for (let i = 0; i < pairs.length; i += 500) await t.deps.db.insertInto('student_name_pairs').values(pairs.slice(i, i + 500)).execute();
      // The few with both, spread among them in time (the clock after the last filler).
      const at = (i: number) => new Date(Date.parse(base.received_at) + (i * 2 + 1) * 500).toISOString();
      const made = async (i: number, first: string, last: string) => (await request(t, L, { student_first_name: first, student_last_name: last, received_at: at(i), updated_at: at(i) }, owner)).id;
      const mateoLopez = await made(10, 'Mateo', 'López');
      const compound = await made(900, 'Mateo Andrés', 'Ruiz López');
      const hyphenated = await made(1800, 'Mateo', 'Pérez-López');
      const matias = await made(2500, 'Matías', 'López');
      const mateos = await made(3300, 'Lucas', 'Mateos López');
      await made(4000, 'Mateo', 'García');

      const { id } = await staffMember(t, L);
      const staff = { id, districtId: L, email: '', firstName: '', lastName: '', role: 'permit_staff' as const };
      const queue = new QueueService(t.deps);
      const all = async (q: string, size = 2) => {
        const seen: string[] = [];
        let after: string | undefined;
        do {
          const page = await queue.page(staff, { q, after }, size);
          seen.push(...page.rows.map((r) => r.id));
          after = page.next ?? undefined;
        } while (after);
        return seen;
      };
      const planOf = async (q: string) => (await queue.namePlan(L, q))?.by;

      // Two whole words, in either order, and a second word begun: "Mateos" starts with "mateo".
      for (const q of ['mateo lopez', 'López Mateo', 'mateo lop', 'LOPEZ MATE']) {
        expect(await planOf(q), q).toBe('pairs');
        expect(await all(q), q).toEqual([mateoLopez, compound, hyphenated, mateos]);
      }
      // Both words begun: the first three letters of one, the start of the other ("Matías" too).
      expect(await planOf('mat lop')).toBe('pairs');
      expect(await all('mat lop')).toEqual([mateoLopez, compound, hyphenated, matias, mateos]);
      // Both shorter than the pair key's three letters: the queue is walked, and finds the same.
      expect(await planOf('ma lo')).toBe('walk');
      expect(await all('ma lo')).toEqual([mateoLopez, compound, hyphenated, matias, mateos]);
      // Three common words; a pair across the hyphenated surname, either way round.
      expect(await planOf('mateo perez lopez')).toBe('pairs');
      expect(await all('mateo perez lopez')).toEqual([hyphenated]);
      for (const q of ['perez lopez', 'López-Pérez']) {
        expect(await planOf(q), q).toBe('pairs');
        expect(await all(q), q).toEqual([hyphenated]);
      }
      expect(await all('perezlopez mateo')).toEqual([hyphenated]);
      // A rare third word: found from the word index, as before.
      expect(await planOf('mateo andres lopez')).toBe('index');
      expect(await all('mateo andres lopez')).toEqual([compound]);
      // Two words that start one word ("lop", "lopez") are not a pair: walked.
      expect(await planOf('lop lopez')).toBe('walk');
      // A typed word none has with the other: nothing.
      expect(await all('mateo valentina')).toEqual([]);
      expect(await all('perez lopez garcia')).toEqual([]);
      // A common pair (each of the 2,050 "Mateo Pérez") is found in order too, a page at a time.
      const mateoPerez = [...fill.filter((_, i) => i % 2).map((r) => r.id), hyphenated];
      const inOrder = [...fill.map((r) => ({ id: r.id, at: r.received_at })), { id: hyphenated, at: at(1800) }].sort((a, b) => (a.at < b.at ? -1 : 1)).map((r) => r.id).filter((x) => mateoPerez.includes(x));
      expect(await planOf('mateo perez')).toBe(mateoPerez.length <= PAIR_INDEX_LIMIT ? 'pairs' : 'walk');
      expect(await all('mateo perez', 500)).toEqual(inOrder);
    });
  });
}

describe('the words of a name (docs/adr/0022)', () => {
  it('keys each word of each name, a word with an apostrophe also after it, and a name of several words also whole', () => {
    expect(nameWords('María José', null, "O'Neil-Hernández")).toEqual(['maria', 'jose', 'mariajose', 'oneil', 'neil', 'hernandez', 'oneilhernandez']);
    expect(nameWords('Zoé', 'Ana', 'De la Cruz Núñez')).toEqual(['zoe', 'ana', 'de', 'la', 'cruz', 'nunez', 'delacruznunez']);
    expect(nameWords('D’Angelo', undefined, 'St. John—Smith')).toEqual(['dangelo', 'angelo', 'st', 'john', 'smith', 'stjohnsmith']);
    expect(nameWords('Luis', '', 'Luis')).toEqual(['luis']); // once each
  });

  it('pairs every two words that do not start one another, both ways round, the first by its first three letters', () => {
    expect(namePairs(nameWords('Mateo', null, 'López'))).toEqual(['mat lopez', 'lop mateo']);
    // "perezlopez" keys as "perez" does ("per …"), once.
    expect(namePairs(nameWords('Mateo', null, 'Pérez-López'))).toEqual(['mat perez', 'mat lopez', 'mat perezlopez', 'per mateo', 'per lopez', 'lop mateo', 'lop perez', 'lop perezlopez']);
    // "Oneil" starts "oneilhernandez": no pair of the two.
    expect(namePairs(['oneil', 'oneilhernandez', 'hernandez'])).toEqual(['one hernandez', 'her oneil', 'her oneilhernandez']);
    expect(namePairs(['ana'])).toEqual([]);
  });

  it('looks two typed words up by the longest whole after the first three letters of the shortest other, when they are not one the start of the other', () => {
    expect(searchPair(['mateo', 'lopez'])).toEqual({ key: 'mat lopez', first: 0, second: 1 });
    expect(searchPair(['mat', 'lo'])).toEqual({ key: 'mat lo', first: 0, second: 1 });
    expect(searchPair(['lo', 'mateo'])).toEqual({ key: 'mat lo', first: 1, second: 0 });
    expect(searchPair(['lopez', 'mate'])).toEqual({ key: 'mat lopez', first: 1, second: 0 });
    expect(searchPair(['mateo', 'perez', 'hernandez'])).toEqual({ key: 'mat hernandez', first: 0, second: 2 });
    expect(searchPair(['ma', 'lo'])).toBeUndefined();
    expect(searchPair(['lop', 'lopez'])).toBeUndefined();
    expect(searchPair(['mateo'])).toBeUndefined();
  });

  it('keys what staff type the same way: words split at spaces, hyphens and periods, wildcards dropped', () => {
    expect(searchWords("  O'Neil-HERNÁNDEZ   maría ")).toEqual(['oneil', 'hernandez', 'maria']);
    expect(searchWords('wild% w_ld')).toEqual(['wild', 'wld']);
    expect(searchWords('% - _')).toEqual([]);
    expect(searchWords('jose JOSÉ')).toEqual(['jose']);
  });
});
