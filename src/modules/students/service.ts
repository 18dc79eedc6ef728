import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { StudentsRepository, type StudentRow } from './repository.js';
import type { StudentInput } from './validation.js';

/** STU-1, ACC-4: the students of one family account. */
export class StudentsService {
  readonly repo: StudentsRepository;
  constructor(private deps: Deps) {
    this.repo = new StudentsRepository(deps.db);
  }

  today(): string {
    return localDate(this.deps.clock.now());
  }

  list(accountId: string) {
    return this.repo.forAccount(accountId);
  }

  get(accountId: string, id: string) {
    return this.repo.byId(accountId, id);
  }

  private columns(input: StudentInput) {
    return {
      first_name: input.first_name,
      middle_name: input.middle_name || null,
      last_name: input.last_name,
      date_of_birth: input.date_of_birth,
      current_grade: input.current_grade || null,
      current_school: input.current_school || null,
      current_district: input.current_district || null,
      address_line1: input.address_line1,
      address_line2: input.address_line2 || null,
      city: input.city,
      state: input.state,
      zip: input.zip,
    };
  }

  async add(accountId: string, input: StudentInput): Promise<StudentRow> {
    const now = this.deps.clock.now().toISOString();
    const row: StudentRow = { id: newId(), account_id: accountId, ...this.columns(input), created_at: now, updated_at: now };
    await this.repo.insert(row);
    return row;
  }

  async update(accountId: string, id: string, input: StudentInput): Promise<Result<true>> {
    const r = await this.repo.update(accountId, id, { ...this.columns(input), updated_at: this.deps.clock.now().toISOString() });
    return Number(r.numUpdatedRows) === 1 ? ok(true) : err('not-found', 'students.errors.notFound');
  }
}

/** Form values from a stored student, for the edit form. */
export function studentFormValues(s: StudentRow): Record<string, string> {
  const [y, m, d] = s.date_of_birth.split('-');
  return {
    first_name: s.first_name, middle_name: s.middle_name ?? '', last_name: s.last_name,
    dob_month: String(Number(m)), dob_day: String(Number(d)), dob_year: y,
    current_grade: s.current_grade ?? '', current_school: s.current_school ?? '', current_district: s.current_district ?? '',
    address_line1: s.address_line1, address_line2: s.address_line2 ?? '', city: s.city, state: s.state, zip: s.zip,
  };
}
