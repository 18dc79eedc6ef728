import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { addDays } from '../src/platform/clock.js';
import { GRADES, gradeIndex } from '../src/modules/districts/config-schema.js';
import { generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { STATUSES } from '../src/modules/applications/lifecycle.js';
import { newId } from '../src/platform/ids.js';
import { namePairs, nameWords } from '../src/platform/name-key.js';
import { DISTRICT, insertBatches, seedFamilies, type BenchApp } from './support.js';

/**
 * A year of requests, as the queue would hold them: `rows` requests received in order over the
 * 12 months before the February rush, mostly for one district, with a believable mix of kinds,
 * statuses, grades, schools and reasons. Inserted in multi-row INSERTs of 1,000 in transactions;
 * on SQLite with synchronous=OFF during the seeding only (this is the bench's own database).
 */

// The same figures on every run: a small seeded generator, not Math.random.
let state = 42;
const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
function weighted<T extends string>(weights: Record<T, number>): T {
  const total = Object.values<number>(weights).reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (const [k, w] of Object.entries<number>(weights)) if ((r -= w) < 0) return k as T;
  return Object.keys(weights)[0] as T;
}

const STATUS_MIX: Record<(typeof STATUSES)[number], number> = {
  incomplete: 15, submitted: 35, info_requested: 5, approved: 25, denied: 10, deemed_denied: 2, abandoned: 3, withdrawn: 4, revoked: 1,
};
const FIRST = ['Mateo', 'Sofía', 'Liam', 'Camila', 'Noah', 'Valentina', 'Ethan', 'Isabella', 'Diego', 'Mia', 'Daniel', 'Emma', 'Lucas', 'Ava', 'Gabriel', 'Aaliyah'];
const LAST = ['López', 'García', 'Hernández', 'Martínez', 'Nguyen', 'Kim', 'Smith', 'Johnson', 'Rodríguez', 'Pérez', 'Williams', 'Flores', 'Torres', 'Rivera', 'Brown', 'Lee'];
/**
 * A rare last name for the search benchmark: one request in 10,000 (100 in a million, spread
 * over the year), written with its accent as parents would; staff search it as "avila". It
 * replaces the drawn name without skipping the draw, so every other figure is as before.
 */
export const RARE_LAST = 'Ávila';
/**
 * Compound names, as many families have them (the search finds any word of them, ADR 0022):
 * three requests in ten carry a second surname, a space or a hyphen after the first, taken from
 * the row number so that no draw is added and the other columns stay as they were; and one in
 * 10,000 is the rare "María José O'Neil-Hernández", found by "maria jose".
 */
export const RARE_COMPOUND = { first: 'María José', last: "O'Neil-Hernández" };
const lastName = (row: number, drawn: string) =>
  row % 10_000 === 5_000 ? RARE_LAST : row % 10_000 === 7_500 ? RARE_COMPOUND.last : row % 10 < 3 ? `${drawn}${row % 10 === 2 ? '-' : ' '}${LAST[(row >> 4) % LAST.length]}` : drawn;
const firstName = (row: number, drawn: string) => (row % 10_000 === 7_500 ? RARE_COMPOUND.first : drawn);

/** A confirmation number per row, unique by construction: the row number is its 8 digits in base 32. */
const confirmationFor = (i: number) => {
  const digits = i.toString(32).padStart(8, '0').split('').map((c) => parseInt(c, 32));
  return generateConfirmationNumber(() => digits.shift()!);
};

export async function seedRequests(t: BenchApp, rows: number, onProgress: (done: number) => void = () => {}): Promise<number> {
  const { db, dialect, districts } = t.deps;
  const started = performance.now();
  if (dialect === 'sqlite') await sql`PRAGMA synchronous = OFF`.execute(db);
  // The queue reads only the requests table: one parent and student stand for every 100 requests.
  const families = await seedFamilies(t, Math.ceil(rows / 100));
  const first = Date.parse('2026-02-01T17:00:00Z');
  const span = Date.parse('2027-02-01T16:00:00Z') - first;
  for (let done = 0; done < rows; ) {
    const batch = [];
    for (const end = Math.min(rows, done + 1000); done < end; done++) {
      const district = districts.get(random() < 0.85 ? DISTRICT : 'paramount-sample')!;
      const kind = random() < 0.85 ? 'incoming' : 'outgoing';
      const grade = pick(GRADES);
      const schools = district.schools.filter((s) => !s.magnet && gradeIndex(grade) >= gradeIndex(s.lowestGrade) && gradeIndex(grade) <= gradeIndex(s.highestGrade));
      const family = families[done % families.length];
      const at = new Date(first + Math.floor((done * span) / rows)).toISOString();
      batch.push({
        id: newId(), confirmation_number: confirmationFor(done), kind, account_id: family.userId, student_id: family.studentId, district_id: district.slug,
        school_year: random() < 0.7 ? '2026-2027' : '2027-2028', grade_requested: grade, current_grade: grade === 'TK' ? null : GRADES[gradeIndex(grade) - 1],
        reason_code: pick(districts.reasonsFor(district, kind)).code, requested_school_id: schools.length ? `${district.slug}:${pick(schools).code}` : null,
        relationship: 'parent', decision_email: family.email, language: random() < 0.8 ? 'en' : 'es', status: weighted(STATUS_MIX), submission_key: newId(),
        student_first_name: firstName(done, pick(FIRST)), student_last_name: lastName(done, pick(LAST)), student_date_of_birth: `20${10 + Math.floor(random() * 12)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
        received_at: at, updated_at: at, decision_due_on: addDays(at.slice(0, 10), 30), priority: random() < 0.03 ? 1 : 0, student_number: random() < 0.1 ? `S${100000 + done}` : null,
      });
    }
    await insertBatches(db, 'applications', batch, 1000);
    // Each request's name words and their pair keys, as insertNameWords writes them (the seeded students have no middle name).
    const named = batch.map((r) => ({ r, words: nameWords(r.student_first_name, r.student_last_name) }));
    const words = named.flatMap(({ r, words }) => words.map((word) => ({ application_id: r.id, district_id: r.district_id, word })));
    await insertBatches(db, 'student_name_words', words, 1000);
    const pairs = named.flatMap(({ r, words }) => namePairs(words).map((pair) => ({ application_id: r.id, district_id: r.district_id, pair, received_at: r.received_at })));
    await insertBatches(db, 'student_name_pairs', pairs, 1000);
    if (done % 100_000 === 0 || done === rows) onProgress(done);
  }
  if (dialect === 'sqlite') await sql`PRAGMA synchronous = FULL`.execute(db);
  // PostgreSQL's autovacuum would vacuum and analyze tables loaded like these within a minute or
  // so (the vacuum marks their pages all-visible, so that counting a name word's prefix reads the
  // index alone); do it now.
  else {
    await sql`VACUUM ANALYZE applications`.execute(db);
    await sql`VACUUM ANALYZE student_name_words`.execute(db);
    await sql`VACUUM ANALYZE student_name_pairs`.execute(db);
  }
  return (performance.now() - started) / 1000;
}
