import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { err, ok, type Result } from '../../platform/result.js';
import { confirmationNumberProblem, normalizeConfirmationNumber } from '../applications/confirmation-number.js';
import { parseDateFields } from '../students/validation.js';
import { DocumentsRepository } from './repository.js';
import type { Application } from './service.js';


export const LookupSchema = z.object({
  first_name: z.string().trim().min(1, 'documents.errors.firstNameRequired').max(50, 'documents.errors.tooLongField'),
  last_name: z.string().trim().min(1, 'documents.errors.lastNameRequired').max(50, 'documents.errors.tooLongField'),
  dob_month: z.string().default(''),
  dob_day: z.string().default(''),
  dob_year: z.string().default(''),
  confirmation: z.string().trim().min(1, 'documents.errors.confirmationRequired').max(20, 'documents.errors.confirmationFormat'),
});

/**
 * Names match whatever the case, accents, spaces and punctuation: "Núñez-García" is typed as
 * "Nunez Garcia" on a phone without Spanish keys. Only letters and digits are compared.
 */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
export const sameName = (a: string, b: string): boolean => fold(a) !== '' && fold(a) === fold(b);

/**
 * DOC-1 / APP-11: finds a request from the four things a parent knows. All four must match;
 * a miss says only that the details do not match. Guessing is rate-limited per address and
 * per confirmation number.
 */
export class PublicLookup {
  private repo: DocumentsRepository;
  constructor(private deps: Deps) {
    this.repo = new DocumentsRepository(deps.db);
  }

  /** Field errors of the form, before any look-up. */
  validate(values: Record<string, string>): Record<string, { key: string; params?: Record<string, string> }> {
    const errors: Record<string, { key: string; params?: Record<string, string> }> = {};
    const r = LookupSchema.safeParse(values);
    if (!r.success) for (const i of r.error.issues) errors[String(i.path[0])] ??= { key: i.message };
    const d = parseDateFields(values.dob_month ?? '', (values.dob_day ?? '').trim(), (values.dob_year ?? '').trim());
    if ('error' in d) errors.dob = { key: d.error.replace('students.', 'documents.') };
    // A mistyped number is told what is wrong with it: its length, a character no number has,
    // or (the check character failing) that one of its characters is wrong.
    const problem = errors.confirmation ? null : confirmationNumberProblem(values.confirmation ?? '');
    if (problem?.kind === 'length') errors.confirmation = { key: 'documents.errors.confirmationFormat' };
    if (problem?.kind === 'character') errors.confirmation = { key: 'documents.errors.confirmationCharacter', params: { character: problem.character } };
    if (problem?.kind === 'check') errors.confirmation = { key: 'documents.errors.confirmationCheck' };
    return errors;
  }

  async find(values: Record<string, string>, ip: string): Promise<Result<Application>> {
    const limited = (retryAfterSeconds: number) => err('rate-limited', 'common.rateLimited.message', { params: { minutes: Math.max(1, Math.ceil(retryAfterSeconds / 60)) } });
    const byIp = await this.deps.rateLimiter.take('lookup.ip', ip);
    if (!byIp.allowed) return limited(byIp.retryAfterSeconds);
    const number = normalizeConfirmationNumber(values.confirmation);
    // Counted BEFORE comparing, and cleared by a match: once a number has had 5 misses, even the
    // right details wait, so a guesser cannot tell a hit from a refusal. The parent who types
    // their details right is never held back by their own earlier successes.
    const byNumber = await this.deps.rateLimiter.take('lookup.number', number);
    if (!byNumber.allowed) return limited(byNumber.retryAfterSeconds);
    const app = await this.repo.byConfirmationNumber(number);
    const d = parseDateFields(values.dob_month, values.dob_day.trim(), values.dob_year.trim());
    const matches =
      app !== undefined &&
      'date' in d &&
      app.student_date_of_birth === d.date &&
      sameName(app.student_first_name, values.first_name) &&
      sameName(app.student_last_name, values.last_name);
    if (!matches) return err('no-match', 'documents.errors.noMatch');
    await this.deps.rateLimiter.clear('lookup.number', number);
    return ok(app);
  }
}
