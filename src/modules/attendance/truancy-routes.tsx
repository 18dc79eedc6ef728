import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { localDate } from '../../platform/clock.js';
import { answered, checkedBySubmit, handleForm, refuseProblem, refuseWhole } from '../../platform/http/form-cycle.js';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import type { StudentPageSection } from '../../platform/modules.js';
import type { FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { AttendanceContext } from './context.js';
import type { Referrals } from './referrals.js';
import { asNoticeLanguage, type Truancy } from './truancy.js';
import { ParentTruancySection, ReferralsPage, TruancyWorklistPage } from './views/truancy.js';

const forbidden = (reply: FastifyReply) =>
  reply.page((ctx) => ErrorPage({ ctx, title: ctx.t('attendance-truancy.errors.forbidden'), message: ctx.t('attendance-truancy.errors.forbidden') }), { status: 403 });

/**
 * ATT-5, ATT-8: the office's truancy worklist and the sending of a proposed notification, the
 * notifications' letters (the office's and the parent's), and a student's conferences and
 * referrals. Those who keep attendance (canKeepAttendance) within their schools (RollScope):
 * outside them "not found", another role "your role cannot", each refusal audited (PRV-1, PRV-2).
 */
export async function truancyRoutes(app: FastifyInstance, ctx: AttendanceContext, truancy: Truancy, referrals: Referrals): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);

  const worklistPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, asked: string | undefined, shown: { alert?: { key: string; params?: Record<string, string | number> }; status?: number } = {}) => {
    const district = deps.districts.get(staff.districtId);
    if (!truancy.mayKeep(staff)) {
      await audit.refused(staff, 'attendance.truancy.worklist', { type: 'school', id: asked ?? null }, req.ip, 'forbidden');
      return forbidden(reply);
    }
    const mine = district ? await ctx.scope.schoolIdsIn(staff, district) : [];
    const schoolId = asked ?? mine[0];
    if (!district || !schoolId) {
      await audit.refused(staff, 'attendance.truancy.worklist', { type: 'school', id: asked ?? null }, req.ip, 'not-found');
      return reply.callNotFound();
    }
    const r = await truancy.worklist(staff, schoolId);
    if (!r.ok) {
      await audit.refused(staff, 'attendance.truancy.worklist', { type: 'school', id: schoolId }, req.ip, r.problem.code);
      return r.problem.code === 'forbidden' ? forbidden(reply) : reply.callNotFound();
    }
    await audit.record(staff, 'attendance.truancy.worklist', { type: 'school', id: schoolId }, req.ip);
    const schools = district.schools.filter((s) => mine.includes(`${district.slug}:${s.code}`));
    return reply.page((c) => TruancyWorklistPage({ ctx: c, district, schools, list: r.value, alert: shown.alert }), { status: shown.status ?? 200 });
  };

  route.get('/staff/attendance/truancy', { schema: { querystring: queryOf({ school: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    return worklistPage(req, reply, staff, req.query.school);
  });

  // EC 48261: the office sends a proposed notification, once; a second send is refused on the worklist (409).
  route.post('/staff/attendance/truancy/:noticeId/send', { schema: { params: paramsOf('noticeId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { noticeId } = req.params;
    let schoolId: string | undefined;
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      submit: async () => {
        const r = await truancy.send(staff, noticeId, req.ip);
        if (r.ok) return { ok: true, value: r.value };
        const p = r.problem;
        if (p.code === 'not-found' || p.code === 'forbidden') {
          await audit.refused(staff, 'attendance.truancy.send', { type: 'truancy-notice', id: noticeId }, req.ip, p.code);
          return answered(p.code === 'not-found' ? reply.callNotFound() : forbidden(reply));
        }
        schoolId = (await deps.db.selectFrom('truancy_notices').select('school_id').where('id', '=', noticeId).executeTakeFirst())?.school_id;
        return p.field ? refuseProblem(p) : refuseWhole(p);
      },
      render: async (_form, status, refused) => worklistPage(req, reply, staff, schoolId, { alert: refused?.alert, status }),
      redirectTo: async ({ notice, emailed }) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: emailed ? 'attendance-truancy.worklist.sentEmailed' : 'attendance-truancy.worklist.sentPrint', params: { number: String(notice.number) } });
        return `/staff/attendance/truancy?school=${encodeURIComponent(notice.school_id)}`;
      },
    });
  });

  const sendPdf = (reply: FastifyReply, pdf: Buffer, fileName: string) =>
    reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="${fileName}"`)
      .header('Cache-Control', 'private, no-store')
      .header('X-Content-Type-Options', 'nosniff')
      .send(pdf);

  // The letter of a notification, to print and mail (in the notice's language, or the one the office asks for with ?language=).
  route.get('/staff/attendance/truancy/:noticeId/letter.pdf', { schema: { params: paramsOf('noticeId'), querystring: queryOf({ language: queryValue }) } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { noticeId } = req.params;
    const r = await truancy.noticeFor(staff, noticeId);
    if (!r.ok) {
      await audit.refused(staff, 'attendance.truancy.letter', { type: 'truancy-notice', id: noticeId }, req.ip, r.problem.code);
      return r.problem.code === 'not-found' ? reply.callNotFound() : forbidden(reply);
    }
    const language = asNoticeLanguage(req.query.language) ?? asNoticeLanguage(r.value.language) ?? 'en';
    await audit.record(staff, 'attendance.truancy.letter', { type: 'student', id: r.value.student_id }, req.ip, { notice: noticeId, number: r.value.number, language });
    return sendPdf(reply, await truancy.letter(r.value, language), `truancy-${r.value.number}-${r.value.school_year}.pdf`);
  });

  // The parent's copy: their own child's sent notification only (PRV-1), in the language it was sent in.
  route.get('/students/:id/attendance/letters/:noticeId.pdf', { schema: { params: paramsOf('id', 'noticeId') } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const notice = await truancy.parentNotice(user.id, req.params.id, req.params.noticeId);
    if (!notice) return reply.callNotFound();
    return sendPdf(reply, await truancy.letter(notice, asNoticeLanguage(notice.language) ?? 'en'), `truancy-${notice.number}-${notice.school_year}.pdf`);
  });

  // ATT-5: a student's conferences and referrals (SART, Resource Panel, SARB).
  const referralsPage = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, studentId: string, form: FormState, status = 200) => {
    const r = await referrals.forStudent(staff, studentId);
    if (!r.ok) {
      await audit.refused(staff, 'attendance.referrals.view', { type: 'student', id: studentId }, req.ip, r.problem.code);
      return r.problem.code === 'not-found' ? reply.callNotFound() : forbidden(reply);
    }
    if (status === 200) await audit.record(staff, 'attendance.referrals.view', { type: 'student', id: studentId }, req.ip);
    return reply.page((c) => ReferralsPage({ ctx: c, student: r.value.student, referrals: r.value.referrals, form, today: r.value.today }), { status });
  };

  route.get('/staff/attendance/students/:studentId/referrals', { schema: { params: paramsOf('studentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const district = deps.districts.get(staff.districtId);
    const today = district ? localDate(deps.clock.now(), district.timeZone) : '';
    return referralsPage(req, reply, staff, req.params.studentId, { values: { held_on: today }, errors: {} });
  });

  route.post('/staff/attendance/students/:studentId/referrals', { schema: { params: paramsOf('studentId') } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const keep = (v: Record<string, string>) => ({
      kind: (v.kind ?? '').slice(0, 40),
      held_on: (v.held_on ?? '').slice(0, 40),
      participants: (v.participants ?? '').slice(0, 2000),
      outcome: (v.outcome ?? '').slice(0, 8000),
    });
    return handleForm(reply, req.body, {
      parse: checkedBySubmit,
      keep,
      submit: async (values) => {
        const v = keep(values);
        const r = await referrals.record(staff, studentId, { kind: v.kind, heldOn: v.held_on, participants: v.participants, outcome: v.outcome }, req.ip);
        if (r.ok) return r;
        if ('errors' in r) return { ok: false, errors: r.errors };
        const p = r.problem;
        if (p.code === 'not-found' || p.code === 'forbidden') {
          await audit.refused(staff, 'attendance.referral.record', { type: 'student', id: studentId }, req.ip, p.code);
          return answered(p.code === 'not-found' ? reply.callNotFound() : forbidden(reply));
        }
        return p.field ? refuseProblem(p) : refuseWhole(p);
      },
      render: async (form, status) => referralsPage(req, reply, staff, studentId, form, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'attendance-truancy.referrals.recorded' });
        return `/staff/attendance/students/${encodeURIComponent(studentId)}/referrals#referrals-heading`;
      },
    });
  });
}

/** The parent's student page: the truancy notifications sent about their own child (the page has checked the child is theirs, PRV-1). */
export const parentTruancySection =
  (ctx: AttendanceContext, truancy: Truancy): StudentPageSection =>
  async (_req, student) => {
    const notices = await truancy.parentNotices(student.id);
    if (!notices.length) return null;
    const rows = notices.map((n) => {
      const tz = ctx.deps.districts.get(n.district_id)?.timeZone;
      return { ...n, sentOn: localDate(new Date(n.sent_at ?? n.proposed_at), tz) };
    });
    return (c) => <ParentTruancySection ctx={c} studentId={student.id} firstName={student.first_name} notices={rows} />;
  };
