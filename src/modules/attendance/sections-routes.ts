import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, checkedBySubmit, handleForm, type Refused } from '../../platform/http/form-cycle.js';
import { readSmallUpload } from '../../platform/http/file-upload.js';
import { requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { Problem } from '../../platform/result.js';
import { decodeCsvBytes } from '../addresses/csv-import.js';
import type { LineErrors } from '../enrollment/roll-import.js';
import type { AttendanceContext } from './context.js';
import { NS, PERIODS_MAX, type Outcome, type Sections } from './sections.js';
import { MAX_SECTIONS_IMPORT_BYTES, type SectionsImport } from './sections-import.js';
import { SectionNewPage, SectionPage, type SectionForms } from './views/sections-edit.js';
import { SectionsImportPage } from './views/sections-import.js';
import { qs, SectionsListPage } from './views/sections-list.js';
import { SchedulePage } from './views/sections-schedule.js';

const schoolQuery = queryOf({ school: queryValue, year: queryValue });
const sectionParams = paramsOf('sectionId');
const membershipParams = paramsOf('sectionId', 'membershipId');

/**
 * Issue 16 point 1: the school office's pages of sections, rosters, the bell schedule and mode,
 * and the sections import. The office (its schools) and district administrators (every school)
 * keep them; a school or section outside the scope is "not found", a teacher is told their role
 * cannot (403); every refusal, read and change is audited (PRV-2).
 */
export async function sectionsRoutes(app: FastifyInstance, ctx: AttendanceContext, sections: Sections, importer: SectionsImport): Promise<void> {
  const { audit, deps } = ctx;
  const route = typed(app);
  const maxMb = Math.round(MAX_SECTIONS_IMPORT_BYTES / 1024 / 1024);

  /** An access refusal answered (audited): true; false for a problem of the input. */
  const refusedAccess = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, p: Problem, action: string, entity: { type: string; id: string }) => {
    if (p.code !== 'not-found' && p.code !== 'forbidden') return false;
    await audit.refused(staff, action, entity, req.ip, p.code);
    if (p.code === 'not-found') await reply.callNotFound();
    else await reply.page((c) => ErrorPage({ ctx: c, title: c.t(`${NS}.errors.forbidden`), message: c.t(`${NS}.errors.forbidden`) }), { status: 403 });
    return true;
  };

  /** A refusal of a form: its fields, or the whole. */
  const refusal = (r: Extract<Outcome<unknown>, { ok: false }>): Refused =>
    r.errors ? { ok: false, errors: r.errors } : { ok: false, errors: {}, status: 409, alert: { key: r.problem.messageKey, params: r.problem.params } };

  /** The school a page is about: `?school=`, else the staff member's first school. */
  const schoolOf = async (staff: SessionStaff, asked?: string) => asked ?? (await sections.schoolsOf(staff))[0] ?? `${staff.districtId}:`;
  const schoolName = (id: string) => deps.districts.schoolById(id)?.name ?? id;
  const pickers = async (staff: SessionStaff) => {
    const district = deps.districts.get(staff.districtId);
    return {
      schools: (await sections.schoolsOf(staff)).map((id) => [id, schoolName(id)] as [string, string]),
      years: (district?.schoolYears ?? []).map((y) => [y.year, y.year] as [string, string]),
    };
  };

  // --- A school's sections ---
  route.get('/staff/attendance/sections', { schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const schoolId = await schoolOf(staff, req.query.school);
    const r = await sections.list(staff, schoolId, req.query.year);
    if (!r.ok) return void (await refusedAccess(req, reply, staff, r.problem, 'attendance.sections.view', { type: 'school', id: schoolId }));
    await audit.record(staff, 'attendance.sections.view', { type: 'school', id: schoolId }, req.ip, { year: r.value.year.year, sections: r.value.rows.length });
    const { schools, years } = await pickers(staff);
    return reply.page((c) => SectionsListPage({ ctx: c, rows: r.value.rows, schoolId, schoolName: schoolName(schoolId), schools, year: r.value.year.year, years, periods: r.value.periods, mode: r.value.mode }));
  });

  // --- A new section ---
  const newPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, schoolId: string, year: string | undefined, form: FormState, status = 200, alert?: Refused['alert']) => {
    const r = await sections.schedule(staff, schoolId, year);
    if (!r.ok) return void (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.create', { type: 'school', id: schoolId }));
    const teachers = await sections.teachersAt(schoolId);
    return reply.page(
      (c) => SectionNewPage({ ctx: c, form, schoolId, schoolName: schoolName(schoolId), year: r.value.year.year, periods: r.value.periods, teachers, alert: alert ? c.t(alert.key, alert.params) : undefined }),
      { status },
    );
  };

  route.get('/staff/attendance/sections/new', { schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return newPage(req, reply, staff, await schoolOf(staff, req.query.school), req.query.year, emptyForm());
  });

  route.post('/staff/attendance/sections/new', async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const schoolId = await schoolOf(staff, typeof body.school === 'string' && body.school ? body.school : undefined);
    const year = typeof body.year === 'string' ? body.year : '';
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ code: (v.code ?? '').slice(0, 60), name: (v.name ?? '').slice(0, 200), period: (v.period ?? '').slice(0, 60), teacher: (v.teacher ?? '').slice(0, 60) }),
      submit: async (v) => {
        const r = await sections.create(staff, schoolId, year, { code: v.code ?? '', name: v.name ?? '', period: v.period ?? '', teacher: v.teacher ?? '' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.create', { type: 'school', id: schoolId })) return answered(reply);
        return refusal(r);
      },
      render: (form, status, refused) => newPage(req, reply, staff, schoolId, year, form, status, refused?.alert),
      redirectTo: async (s) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.flash.created`, params: { code: s.code } });
        return `/staff/attendance/sections/${encodeURIComponent(s.id)}`;
      },
    });
  });

  // --- One section: details, students, add, end ---
  const sectionPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, sectionId: string, forms: SectionForms = {}, status = 200) => {
    const r = await sections.view(staff, sectionId);
    if (!r.ok) return void (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.view', { type: 'section', id: sectionId }));
    const v = r.value;
    // PRV-2: the page is a read of every student in the section.
    await audit.record(staff, 'attendance.section.view', { type: 'section', id: v.section.id }, req.ip, { students: v.members.length });
    const today = sections.today(v.district);
    const candidates = await sections.candidates(v.section, today);
    return reply.page((c) => SectionPage({ ctx: c, view: v, schoolName: schoolName(v.section.school_id), today, candidates, forms }), { status });
  };

  route.get('/staff/attendance/sections/:sectionId', { schema: { params: sectionParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return sectionPage(req, reply, staff, req.params.sectionId);
  });

  route.post('/staff/attendance/sections/:sectionId', { schema: { params: sectionParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { sectionId } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ code: (v.code ?? '').slice(0, 60), name: (v.name ?? '').slice(0, 200), period: (v.period ?? '').slice(0, 60), teacher: (v.teacher ?? '').slice(0, 60) }),
      submit: async (v) => {
        const r = await sections.update(staff, sectionId, { code: v.code ?? '', name: v.name ?? '', period: v.period ?? '', teacher: v.teacher ?? '' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.update', { type: 'section', id: sectionId })) return answered(reply);
        return refusal(r);
      },
      render: (form, status) => sectionPage(req, reply, staff, sectionId, { details: form }, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.flash.saved` });
        return `/staff/attendance/sections/${encodeURIComponent(sectionId)}`;
      },
    });
  });

  route.post('/staff/attendance/sections/:sectionId/students', { schema: { params: sectionParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { sectionId } = req.params;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ student: (v.student ?? '').slice(0, 80), pick: (v.pick ?? '').slice(0, 60), from: (v.from ?? '').slice(0, 20) }),
      submit: async (v) => {
        // What was typed names the student; else the one picked from the roll.
        const student = (v.student ?? '').trim() || (v.pick ?? '').trim();
        const r = await sections.addStudent(staff, sectionId, { student, from: v.from ?? '' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.student.add', { type: 'section', id: sectionId })) return answered(reply);
        return refusal(r);
      },
      render: (form, status) => sectionPage(req, reply, staff, sectionId, { add: form }, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.flash.added` });
        return `/staff/attendance/sections/${encodeURIComponent(sectionId)}#students-heading`;
      },
    });
  });

  route.post('/staff/attendance/sections/:sectionId/students/:membershipId/end', { schema: { params: membershipParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { sectionId, membershipId } = req.params;
    const field = `to_${membershipId}`;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => ({ [field]: (v[field] ?? '').slice(0, 20) }),
      submit: async (v) => {
        const r = await sections.endMembership(staff, sectionId, membershipId, { to: v[field] ?? '' }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'attendance.section.student.end', { type: 'section', id: sectionId })) return answered(reply);
        return refusal(r);
      },
      render: (form, status) => sectionPage(req, reply, staff, sectionId, { end: form }, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.flash.ended` });
        return `/staff/attendance/sections/${encodeURIComponent(sectionId)}#students-heading`;
      },
    });
  });

  // --- The bell schedule and the mode ---
  const schedulePage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, schoolId: string, year: string | undefined, form: FormState | null, status = 200) => {
    const r = await sections.schedule(staff, schoolId, year);
    if (!r.ok) return void (await refusedAccess(req, reply, staff, r.problem, 'attendance.schedule.view', { type: 'school', id: schoolId }));
    if (!form) {
      await audit.record(staff, 'attendance.schedule.view', { type: 'school', id: schoolId }, req.ip, { year: r.value.year.year });
      const values: Record<string, string> = { mode: r.value.mode };
      r.value.periods.forEach((p, i) => Object.assign(values, { [`code_${i + 1}`]: p.code, [`label_${i + 1}`]: p.label, [`start_${i + 1}`]: p.starts_at, [`end_${i + 1}`]: p.ends_at }));
      form = emptyForm(values);
    }
    const rows = Math.min(PERIODS_MAX + 2, Math.max(Number(form.values.rows) || 0, r.value.periods.length + 4, 8));
    const shown = form;
    return reply.page((c) => SchedulePage({ ctx: c, form: shown, rows, schoolId, schoolName: schoolName(schoolId), year: r.value.year.year, sections: r.value.sections }), { status });
  };

  route.get('/staff/attendance/schedule', { schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return schedulePage(req, reply, staff, await schoolOf(staff, req.query.school), req.query.year, null);
  });

  route.post('/staff/attendance/schedule', { schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const schoolId = await schoolOf(staff, req.query.school);
    const year = req.query.year ?? '';
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep: (v) => Object.fromEntries(Object.entries(v).filter(([k]) => /^(mode|rows|(code|label|start|end)_\d{1,2})$/.test(k)).map(([k, x]) => [k, x.slice(0, 60)])),
      submit: async (v) => {
        const n = Math.min(PERIODS_MAX + 2, Number(v.rows) || 0);
        const rows = Array.from({ length: n }, (_, i) => i + 1).map((i) => ({ n: i, code: v[`code_${i}`] ?? '', label: v[`label_${i}`] ?? '', start: v[`start_${i}`] ?? '', end: v[`end_${i}`] ?? '' }));
        const r = await sections.setSchedule(staff, schoolId, year, { mode: v.mode ?? '', rows }, req.ip);
        if (r.ok) return r;
        if (await refusedAccess(req, reply, staff, r.problem, 'attendance.schedule.set', { type: 'school', id: schoolId })) return answered(reply);
        return refusal(r);
      },
      render: (form, status) => schedulePage(req, reply, staff, schoolId, year, form, status),
      redirectTo: async (v) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `${NS}.flash.schedule`, params: { count: String(v.periods) } });
        return `/staff/attendance/sections?${qs(schoolId, year)}`;
      },
    });
  });

  // --- The sections import ---
  const importPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, schoolId: string, year: string | undefined, form: FormState, failure: { file: string; lines: LineErrors[]; badLines: number } | null = null, status = 200) => {
    const r = await sections.school(staff, schoolId, year);
    if (!r.ok) return void (await refusedAccess(req, reply, staff, r.problem, 'attendance.sections.import', { type: 'school', id: schoolId }));
    const { schools, years } = await pickers(staff);
    return reply.page((c) => SectionsImportPage({ ctx: c, form, schoolId, schoolName: schoolName(schoolId), schools, year: r.value.year.year, years, maxMb, failure }), { status });
  };

  route.get('/staff/attendance/import', { schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return importPage(req, reply, staff, await schoolOf(staff, req.query.school), req.query.year, emptyForm());
  });

  // Multipart: the CSRF token (first field) is checked before the file is read, as the roll's import does.
  route.post('/staff/attendance/import', { config: { csrf: 'manual' }, schema: { querystring: schoolQuery } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const schoolId = await schoolOf(staff, req.query.school);
    const year = req.query.year;
    const access = await sections.school(staff, schoolId, year);
    const upload = await readSmallUpload(req, { maxBytes: MAX_SECTIONS_IMPORT_BYTES, allowed: access.ok });
    if (!upload) return reply.redirect(`/staff/attendance/import?${qs(schoolId, year ?? '')}`, 303);
    const { checked, file, tooLarge } = upload;
    if (!checked) return sendCsrfFailure(req, reply);
    if (!access.ok) return void (await refusedAccess(req, reply, staff, access.problem, 'attendance.sections.import', { type: 'school', id: schoolId }));
    const fileError = (key: string, params?: Record<string, string | number>) => importPage(req, reply, staff, schoolId, year, { values: {}, errors: { file: { key, params } } }, null, 400);
    if (tooLarge) return fileError(`${NS}.import.errors.tooLarge`, { max: maxMb });
    if (!file || (file.data.length === 0 && !file.name)) return fileError(`${NS}.import.errors.fileRequired`);

    const r = await importer.importFile(staff, schoolId, access.value.year.year, decodeCsvBytes(file.data), req.ip);
    if (!r.ok) {
      if (await refusedAccess(req, reply, staff, r.problem, 'attendance.sections.import', { type: 'school', id: schoolId })) return reply;
      const p = r.problem as { lines?: LineErrors[]; badLines?: number };
      // PRV-2: a refused import changed nothing, and is on the record with its count of bad lines.
      await audit.record(staff, 'attendance.sections.import', { type: 'school', id: schoolId }, req.ip, { file: file.name, bytes: file.data.length, result: 'refused', badLines: p.badLines ?? 0 });
      return importPage(req, reply, staff, schoolId, year, emptyForm(), { file: file.name || 'CSV', lines: p.lines ?? [], badLines: p.badLines ?? 0 }, 400);
    }
    const o = r.value;
    await setFlash(req, deps.sessions, {
      type: 'success', messageKey: `${NS}.import.done`,
      params: { created: String(o.sectionsCreated), changed: String(o.sectionsChanged), added: String(o.membershipsAdded), ended: String(o.membershipsEnded), unchanged: String(o.unchanged) },
    });
    return reply.redirect(`/staff/attendance/sections?${qs(schoolId, access.value.year.year)}`, 303);
  });
}
