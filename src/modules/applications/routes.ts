import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import { handleForm, refuse } from '../../platform/http/form-cycle.js';
import { idParams, queryOf, queryValue, slugParams, typed } from '../../platform/http/route-schemas.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import type { Pages } from '../../platform/modules.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import { ApplicationsService, type StudentForApplication } from './service.js';
import { kindRoutes } from './kind-routes.js';
import { storyRoutes } from './story-routes.js';
import { Withdrawals, type WithdrawnRecords } from './withdraw.js';
import type { Handoff } from './handoff.js';
import { relatedView } from './related.js';
import { AgreementSchema, IncomingApplicationSchema } from './validation.js';
import { ApplyStartPage } from './views/apply-start-page.js';
import { ApplyFormPage } from './views/apply-form-page.js';
import { InsideDistrictPage } from './views/inside-district-page.js';
import { ConfirmationPage } from './views/confirmation-page.js';
import { ApplicationPage, type ApplicationView } from './views/application-page.js';
import { AccountPage } from './views/account-page.js';
import { MessagePage } from './views/message-page.js';
import { firstValues, handleRequestForm, requestFormContext } from './request-form.js';
import type { ApplicationRow } from './repository.js';

const AGREEMENT_TTL_MS = 2 * 60 * 60_000;

type Agreement = { studentId: string; at: number };

/** `?student=`: the student a link names for the request's steps. */
const studentQuery = queryOf({ student: queryValue });

export interface ApplicationPageExtras {
  /** The sections other modules registered for the application page (documents, decision) and the student page, assembled at the top. */
  sections: Pick<Pages, 'applicationSections' | 'storySections' | 'studentSections'>;
  /** What a withdrawal ends of the decisions' records, supplied by the decisions module. */
  withdrawn: WithdrawnRecords;
  /** A release handed to the receiving district with the documents it carries (DEC-19 at once), built once at the top. */
  handoff: Handoff;
}

export async function applicationRoutes(app: FastifyInstance, deps: Deps, extras: ApplicationPageExtras): Promise<void> {
  const service = new ApplicationsService(deps);
  const route = typed(app);
  const withdrawals = new Withdrawals(deps, extras.withdrawn);
  await kindRoutes(app, deps, service, withdrawals, extras.handoff);
  await storyRoutes(app, deps, extras.sections);

  const notFound = (reply: FastifyReply) => reply.callNotFound();

  /**
   * APP-3: the agreement of step 1, kept per student: a parent applying for two children (or a
   * slow request finishing late) never has one child's form read as the other's.
   * Without a student named, the last one agreed for.
   */
  const agreementOf = (req: FastifyRequest, slug: string, studentId?: string): Agreement | null => {
    const last = req.session?.data[`apply:${slug}`] as Agreement | undefined;
    const id = studentId || last?.studentId;
    if (!id) return null;
    const at = req.session?.data[`apply:${slug}:${id}`] as number | undefined;
    return at && Date.now() - at < AGREEMENT_TTL_MS ? { studentId: id, at } : null;
  };

  // Step 1 (APP-3): guidelines, agreement, and the student.
  const showStart = async (req: FastifyRequest, reply: FastifyReply, district: DistrictConfig, form: FormState, status = 200) => {
    const user = req.session!.user!;
    const students = await service.students(user.id);
    return reply.page((ctx) => ApplyStartPage({ ctx, district, students, openYears: service.openYears(district), today: service.today(district), form }), { status });
  };

  route.get('/apply/:slug', { schema: { params: slugParams, querystring: studentQuery } }, async (req, reply) => {
    const district = service.district(req.params.slug);
    if (!district) return notFound(reply);
    if (!(await requireParent(req, reply))) return;
    const agreement = agreementOf(req, district.slug);
    const preselect = req.query.student ?? agreement?.studentId ?? '';
    return showStart(req, reply, district, emptyForm({ student: preselect }));
  });

  route.post('/apply/:slug', { schema: { params: slugParams } }, async (req, reply) => {
    const district = service.district(req.params.slug);
    if (!district) return notFound(reply);
    const user = await requireParent(req, reply);
    if (!user) return;
    return handleForm(reply, req.body, {
      parse: AgreementSchema,
      submit: async (data) => {
        const student = await service.student(user.id, data.student);
        if (!student) return refuse('student', 'applications.errors.studentRequired');
        const session = req.session!;
        session.data[`apply:${district.slug}`] = { studentId: student.id, at: Date.now() } satisfies Agreement;
        session.data[`apply:${district.slug}:${student.id}`] = Date.now();
        await deps.sessions.saveData(session);
        return { ok: true, value: student };
      },
      render: (form, status) => showStart(req, reply, district, form, status),
      redirectTo: (student) => `/apply/${district.slug}/form?student=${encodeURIComponent(student.id)}`,
    });
  });

  // Step 2: the form itself.
  // The student of the agreement (APP-3) the form or its link names; without one, step 1 again.
  const loadFormContext = (req: FastifyRequest, reply: FastifyReply, slug: string, studentInQuery: string | undefined) =>
    requestFormContext(
      req,
      reply,
      service,
      slug,
      studentInQuery,
      async (userId, named, district) => {
        const agreement = agreementOf(req, district.slug, named);
        return agreement ? service.student(userId, agreement.studentId) : undefined;
      },
      (district) => `/apply/${district.slug}`,
    );

  const showForm = async (req: FastifyRequest, reply: FastifyReply, district: DistrictConfig, student: StudentForApplication, form: FormState, status = 200) => {
    const eligible = await service.eligibility(student, district);
    if (!eligible.ok) {
      const inside = eligible.problem.code === 'address-inside-district';
      const problem = inside ? undefined : { key: eligible.problem.messageKey, params: eligible.problem.params };
      // STU-2, STU-3: inside the district, name the school of residence for the current grade.
      const home = inside && student.current_grade ? await service.residence(student, district, student.current_grade) : null;
      const residence = home?.ok ? district.schools.find((s) => s.code === home.value.schoolCode) : undefined;
      return reply.page((ctx) => InsideDistrictPage({ ctx, district, student, problem, residence }), { status: status === 200 ? 200 : 400 });
    }
    const schools = service.requestableSchools(district);
    const magnetSchools = district.schools.filter((s) => s.magnet);
    return reply.page((ctx) => ApplyFormPage({ ctx, district, student, openYears: service.openYears(district), schools, magnetSchools, form }), { status });
  };

  route.get('/apply/:slug/form', { schema: { params: slugParams, querystring: studentQuery } }, async (req, reply) => {
    const c = await loadFormContext(req, reply, req.params.slug, req.query.student);
    if (!c) return;
    return showForm(req, reply, c.district, c.student, emptyForm(firstValues(service.openYears(c.district), c.student, c.user.email)));
  });

  route.post('/apply/:slug/form', { schema: { params: slugParams, querystring: studentQuery } }, async (req, reply) => {
    const c = await loadFormContext(req, reply, req.params.slug, req.query.student);
    if (!c) return;
    return handleRequestForm(
      reply,
      req.body,
      IncomingApplicationSchema,
      (data) => service.submitIncoming(c.user, c.district.slug, c.student.id, data, req.i18n.lang),
      (form, status) => showForm(req, reply, c.district, c.student, form, status),
    );
  });

  /** A request of the signed-in parent's own account, with its district (another's reads as not found). */
  const ownRequest = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    const user = await requireParent(req, reply);
    if (!user) return null;
    const application = await service.forAccount(user.id, id);
    if (!application) {
      await notFound(reply);
      return null;
    }
    return { application, district: deps.districts.get(application.district_id)! };
  };

  route.get('/applications/:id/confirmation', { schema: { params: idParams, querystring: queryOf({ repeated: queryValue }) } }, async (req, reply) => {
    const own = await ownRequest(req, reply, req.params.id);
    if (!own) return;
    const { application, district } = own;
    const repeated = req.query.repeated === '1';
    return reply.page((ctx) => ConfirmationPage({ ctx, application, districtName: district.name[ctx.lang as 'en' | 'es'] ?? district.name.en, repeated }), { forms: true });
  });

  route.get('/applications/:id', { schema: { params: idParams, querystring: queryOf({ notice: queryValue }) } }, async (req, reply) => {
    const own = await ownRequest(req, reply, req.params.id);
    if (!own) return;
    const { application, district } = own;
    const lang = req.i18n.lang as 'en' | 'es';
    const school = application.requested_school_id
      ? district.schools.find((s) => `${district.slug}:${s.code}` === application.requested_school_id)
      : undefined;
    const reason = deps.districts.reason(district, application.reason_code, application.kind);
    const view: ApplicationView = {
      application,
      districtName: district.name[lang] ?? district.name.en,
      schoolName: school?.name ?? null,
      reasonLabel: reason ? (reason.label[lang] ?? reason.label.en) : application.reason_code,
      events: await service.repo.events(application.id),
      messages: await service.repo.messagesForApplication(application.id),
      ...(await relatedView(deps, service.repo, application, lang)),
      canWithdraw: await withdrawals.allowed(application),
      notice: (['withdrawn', 'notWithdrawable'] as const).find((n) => n === req.query.notice) ?? null,
    };
    const { documents, decision } = await extras.sections.applicationSections(req, application);
    return reply.page((ctx) => ApplicationPage({ ctx, view, documents: documents ? documents(ctx) : null, decision: decision ? decision(ctx) : null }), { forms: true });
  });

  app.get('/account', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const [students, applications, messages] = await Promise.all([
      service.students(user.id),
      service.repo.forAccount(user.id),
      service.repo.messagesForAccount(user.id),
    ]);
    return reply.page((ctx) => AccountPage({ ctx, students, applications, messages, districts: deps.districts.all }));
  });

  route.get('/account/messages/:id', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const message = await service.repo.message(user.id, req.params.id);
    if (!message) return notFound(reply);
    return reply.page((ctx) => MessagePage({ ctx, message }));
  });
}
