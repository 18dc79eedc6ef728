import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, handleForm, refuseWhole, type FormErrors, type Refused, type Submitted } from '../../platform/http/form-cycle.js';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { Section } from '../../platform/modules.js';
import type { Problem, Result } from '../../platform/result.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { canKeepRoll } from '../access/roles.js';
import { GRADES, type DistrictConfig } from '../districts/config-schema.js';
import type { RecordSection, RollContext } from './context.js';
import { dayValues, formField, parseDay, parseEnrollForm, parseFacts } from './enroll-forms.js';
import { EnrollService } from './enroll-service.js';
import { readRollFacts, type RollFacts } from './roll-facts.js';
import { EnrollFormPage, type EnrollChoices, type KnownStudent } from './views/enroll-form.js';
import { FactsFormPage, FactsSection } from './views/facts.js';
import type { ShowRollStudentPage } from './roll-routes.js';
import { TransferFormPage, type EnrollmentFacts } from './views/transfer-form.js';

/**
 * The office's enrollment form, a student's roll facts, the first day in the seat and a transfer
 * (issue 15, points 1, 4, 6, 11): `/staff/roll/enroll`, `/staff/roll/students/:studentId/facts`,
 * `/staff/roll/enrollments/:id/start` and `/staff/roll/enrollments/:id/transfer`. Every page is
 * the service's to authorize: outside the staff member's schools a record is not found.
 */

type Lang = 'en' | 'es';

/** A refusal of the service on the form's field, or said at the top when it is on no field of the form. */
function onField(problem: Problem, fields: Record<string, string> = {}): Refused {
  const field = fields[problem.field ?? ''] ?? formField(problem.field);
  if (field === '_form') return refuseWhole(problem);
  return { ok: false, errors: { [field]: { key: problem.messageKey, params: problem.params } } };
}

/** A service's answer as a form's submit: not found answered here, a refusal on its field, else done. */
async function submitted<T>(reply: FastifyReply, r: Result<T>, fields?: Record<string, string>): Promise<Submitted<T>> {
  if (r.ok) return { ok: true, value: r.value };
  if (r.problem.code === 'not-found') return answered(reply.callNotFound());
  return onField(r.problem, fields);
}

const studentName = (s: { first_name: string; last_name: string }) => `${s.first_name} ${s.last_name}`;

export function enrollService(ctx: RollContext): EnrollService {
  return new EnrollService(ctx);
}

export async function enrollRoutes(app: FastifyInstance, ctx: RollContext, service: EnrollService, showStudent: ShowRollStudentPage): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);
  const enrollQuery = queryOf({ student: queryValue, school: queryValue });
  const idParams = paramsOf('id');
  const studentParams = paramsOf('studentId');

  const districtOf = (staff: SessionStaff): DistrictConfig => deps.districts.get(staff.districtId)!;
  const lang = (req: FastifyRequest): Lang => (req.i18n.lang === 'es' ? 'es' : 'en');
  const grades = (req: FastifyRequest) => GRADES.map((g) => ({ value: g, label: req.i18n.t(`applications.grades.${g}`) }));
  const entryTypes = (req: FastifyRequest, d: DistrictConfig) => d.enrollmentCodes.entryTypes.map((c) => ({ value: c.code, label: c.label[lang(req)] ?? c.label.en }));
  const schoolName = (id: string) => deps.districts.schoolById(id)?.name ?? id;

  /** A keeper of the roll, or null once the answer is sent (404 for anyone else, on the record). */
  const keeper = async (req: FastifyRequest, reply: FastifyReply, action: string, entity: { type: string; id?: string }) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return null;
    if (!canKeepRoll(staff)) {
      await audit.refused(staff, action, entity, req.ip, 'not-found');
      await reply.callNotFound();
      return null;
    }
    return staff;
  };

  // ---- The enrollment form ----

  const choices = async (req: FastifyRequest, staff: SessionStaff): Promise<EnrollChoices> => {
    const d = districtOf(staff);
    const schools = await service.schoolsKept(staff);
    return {
      schools: schools.map((s) => ({ value: `${d.slug}:${s.code}`, label: s.name })),
      years: d.schoolYears.map((y) => ({ value: y.year, label: y.year })),
      grades: grades(req),
      entryTypes: entryTypes(req, d),
    };
  };

  const showEnroll = (reply: FastifyReply, c: EnrollChoices, student: KnownStudent | null, form: FormState, status = 200) =>
    reply.page((pctx) => EnrollFormPage({ ctx: pctx, form, choices: c, student }), { status });

  /** The student of `?student=`, when given: on a roll the staff member keeps, else not found. */
  const knownStudent = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string | undefined): Promise<KnownStudent | null | undefined> => {
    if (!id) return null;
    const s = await service.student(staff, id);
    if (!s) {
      await audit.refused(staff, 'roll.enroll', { type: 'student', id }, req.ip, 'not-found');
      await reply.callNotFound();
      return undefined;
    }
    return { id: s.id, name: studentName(s), dateOfBirth: s.date_of_birth };
  };

  route.get('/staff/roll/enroll', { schema: { querystring: enrollQuery } }, async (req, reply) => {
    const staff = await keeper(req, reply, 'roll.enroll', { type: 'student', id: req.query.student });
    if (!staff) return;
    const student = await knownStudent(req, reply, staff, req.query.student);
    if (student === undefined) return;
    if (student) await audit.record(staff, 'roll.enroll.view', { type: 'student', id: student.id }, req.ip);
    const c = await choices(req, staff);
    const d = districtOf(staff);
    const today = service.today(d);
    const school = c.schools.find((s) => s.value === req.query.school)?.value ?? c.schools[0]?.value ?? '';
    const year = d.schoolYears.find((y) => y.firstDay <= today && today <= y.lastDay)?.year ?? d.schoolYears.find((y) => y.firstDay > today)?.year ?? '';
    return showEnroll(reply, c, student, emptyForm({ school, school_year: year, entry_type: 'new', state: 'CA' }));
  });

  route.post('/staff/roll/enroll', { schema: { querystring: enrollQuery } }, async (req, reply) => {
    const staff = await keeper(req, reply, 'roll.enroll', { type: 'student', id: req.query.student });
    if (!staff) return;
    const student = await knownStudent(req, reply, staff, req.query.student);
    if (student === undefined) return;
    return handleForm(reply, req.body, {
      parse: (values) => parseEnrollForm(values, student?.id),
      submit: async (data) => submitted(reply, await service.enroll(staff, req.ip, data)),
      // The form's choices are read only to show it again: an enrollment taken never needs them.
      render: async (form, status) => showEnroll(reply, await choices(req, staff), student, form, status),
      redirectTo: async (done) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: done.enrollment.status === 'active' ? 'roll-enroll.flash.enrolled' : 'roll-enroll.flash.preEnrolled', params: { school: schoolName(done.enrollment.school_id) } });
        return `/staff/roll/students/${encodeURIComponent(done.studentId)}`;
      },
    });
  });

  // ---- A student's roll facts ----

  const factsValues = (facts: RollFacts | undefined): Record<string, string> => {
    if (!facts) return {};
    const v: Record<string, string> = { immunization: facts.immunization, ...dayValues('until', facts.immunizationUntil) };
    for (const p of facts.populations) v[`populations__${p}`] = 'yes';
    for (const i of facts.toCollect) v[`to_collect__${i}`] = 'yes';
    if (facts.emancipated) v.emancipated = 'yes';
    return v;
  };

  const factsStudent = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, studentId: string) => {
    const s = await service.student(staff, studentId);
    if (!s) {
      await audit.refused(staff, 'roll.facts', { type: 'student', id: studentId }, req.ip, 'not-found');
      await reply.callNotFound();
    }
    return s;
  };

  route.get('/staff/roll/students/:studentId/facts', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await keeper(req, reply, 'roll.facts', { type: 'student', id: req.params.studentId });
    if (!staff) return;
    const s = await factsStudent(req, reply, staff, req.params.studentId);
    if (!s) return;
    await audit.record(staff, 'roll.facts.view', { type: 'student', id: s.id }, req.ip);
    const facts = await readRollFacts(deps.db, s.id);
    return reply.page((pctx) => FactsFormPage({ ctx: pctx, form: emptyForm(factsValues(facts)), studentId: s.id, studentName: studentName(s) }));
  });

  route.post('/staff/roll/students/:studentId/facts', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await keeper(req, reply, 'roll.facts', { type: 'student', id: req.params.studentId });
    if (!staff) return;
    const s = await factsStudent(req, reply, staff, req.params.studentId);
    if (!s) return;
    return handleForm(reply, req.body, {
      parse: (values) => {
        const errors: FormErrors = {};
        const facts = parseFacts(values, errors);
        return facts && !Object.keys(errors).length ? { ok: true, data: facts } : { ok: false, errors };
      },
      submit: async (facts) => submitted(reply, await service.updateFacts(staff, req.ip, s.id, facts)),
      render: (form, status) => reply.page((pctx) => FactsFormPage({ ctx: pctx, form, studentId: s.id, studentName: studentName(s) }), { status }),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'roll-enroll.flash.factsSaved', params: { name: studentName(s) } });
        return `/staff/roll/students/${encodeURIComponent(s.id)}`;
      },
    });
  });

  // ---- The first day in the seat (ENR-3) and a transfer ----

  const loadEnrollment = async (req: FastifyRequest, reply: FastifyReply, action: string, id: string) => {
    const staff = await keeper(req, reply, action, { type: 'enrollment', id });
    if (!staff) return null;
    const e = await service.enrollment(staff, req.ip, action, id);
    if (!e) {
      await reply.callNotFound();
      return null;
    }
    const s = await deps.db.selectFrom('students').select(['first_name', 'last_name']).where('id', '=', e.student_id).executeTakeFirstOrThrow();
    const facts: EnrollmentFacts = { id: e.id, studentId: e.student_id, studentName: studentName(s), schoolName: schoolName(e.school_id), schoolYear: e.school_year, grade: e.grade, entryDate: e.entry_date };
    return { staff, e, facts };
  };

  // ENR-3: the first day of the student's page's form (an ISO date); refused, the student's page again with the problem beside it.
  route.post('/staff/roll/enrollments/:id/start', { schema: { params: idParams } }, async (req, reply) => {
    const c = await loadEnrollment(req, reply, 'roll.start', req.params.id);
    if (!c) return;
    return handleForm(reply, req.body, {
      parse: (values) => {
        const day = (values.first_day ?? '').trim();
        return day ? { ok: true, data: day } : { ok: false, errors: { first_day: { key: 'roll-enroll.errors.first-day-required' } } };
      },
      submit: async (day) => submitted(reply, await service.start(c.staff, req.ip, c.e.id, day), { entryDate: 'first_day', status: 'first_day' }),
      render: (form, status) => showStudent(req, reply, c.staff, c.e.student_id, { forms: { start: { [c.e.id]: form } }, status }),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'roll-enroll.flash.started', params: { name: c.facts.studentName } });
        return `/staff/roll/students/${encodeURIComponent(c.e.student_id)}`;
      },
    });
  });

  const showTransfer = async (req: FastifyRequest, reply: FastifyReply, c: { staff: SessionStaff; facts: EnrollmentFacts; e: { school_id: string } }, form: FormState, status = 200) => {
    const d = districtOf(c.staff);
    const schools = (await service.schoolsKept(c.staff)).map((s) => ({ value: `${d.slug}:${s.code}`, label: s.name })).filter((s) => s.value !== c.e.school_id);
    const exitCodes = d.enrollmentCodes.exitCodes.map((x) => ({ value: x.code, label: `${x.code} — ${x.label[lang(req)] ?? x.label.en}` }));
    return reply.page((pctx) => TransferFormPage({ ctx: pctx, form, enrollment: c.facts, schools, exitCodes, entryTypes: entryTypes(req, d), grades: grades(req) }), { status });
  };

  route.get('/staff/roll/enrollments/:id/transfer', { schema: { params: idParams } }, async (req, reply) => {
    const c = await loadEnrollment(req, reply, 'roll.transfer', req.params.id);
    if (!c) return;
    await audit.record(c.staff, 'roll.transfer.view', { type: 'enrollment', id: c.e.id }, req.ip);
    return showTransfer(req, reply, c, emptyForm({ exit_code: 'T160', entry_type: 'transfer' }));
  });

  route.post('/staff/roll/enrollments/:id/transfer', { schema: { params: idParams } }, async (req, reply) => {
    const c = await loadEnrollment(req, reply, 'roll.transfer', req.params.id);
    if (!c) return;
    return handleForm(reply, req.body, {
      parse: (values) => {
        const errors: FormErrors = {};
        const toSchoolId = (values.to_school ?? '').trim();
        if (!toSchoolId) errors.to_school = { key: 'roll-enroll.errors.school-required' };
        const exitCode = (values.exit_code ?? '').trim();
        if (!exitCode) errors.exit_code = { key: 'enrollment.errors.exit-code-missing' };
        const entryType = (values.entry_type ?? '').trim();
        if (!entryType) errors.entry_type = { key: 'enrollment.errors.entry-type-missing' };
        const d = parseDay(values, 'first');
        if ('error' in d) errors.first_date = { key: d.error };
        else if ('empty' in d) errors.first_date = { key: 'roll-enroll.errors.first-day-required' };
        const note = (values.note ?? '').trim();
        if (note.length > 500) errors.note = { key: 'roll-enroll.errors.note-too-long' };
        if (Object.keys(errors).length || !('date' in d)) return { ok: false, errors };
        return { ok: true, data: { enrollmentId: c.e.id, toSchoolId, exitCode, entryType, firstDay: d.date, ...(values.grade ? { grade: values.grade } : {}), ...(note ? { note } : {}) } };
      },
      // The day before the first day is the exit: an exit before the entry is the first day's problem; the new school's first day is `entryDate`.
      submit: async (data) => submitted(reply, await service.transfer(c.staff, req.ip, data), { exitDate: 'first_date', entryDate: 'first_date', firstDay: 'first_date', status: 'first_date', schoolId: 'to_school' }),
      render: (form, status) => showTransfer(req, reply, c, form, status),
      redirectTo: async (r) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'roll-enroll.flash.transferred', params: { name: c.facts.studentName, school: schoolName(r.entered.school_id) } });
        return `/staff/roll/students/${encodeURIComponent(c.e.student_id)}`;
      },
    });
  });
}

/** The roll's facts on the office's page of one student (ENR-1, ENR-2, ENR-5), for those who keep the roll. */
export function factsSection(ctx: RollContext): RecordSection {
  return async (_req, staff, studentId): Promise<Section> => {
    if (!canKeepRoll(staff)) return null;
    const facts = await readRollFacts(ctx.deps.db, studentId);
    return (pctx) => FactsSection({ ctx: pctx, studentId, facts });
  };
}
