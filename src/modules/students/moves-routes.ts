import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { localDate } from '../../platform/clock.js';
import { answered, checkedBySubmit, handleForm, type FormErrors } from '../../platform/http/form-cycle.js';
import { requireParent } from '../../platform/http/guards.js';
import { idParams, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { renderAdvice } from './move-advice.js';
import { moveSummaries, MovesService } from './moves.js';
import type { ActivePermit, StudentRow } from './repository.js';
import type { OnMoveEndsPermits } from './move-hooks.js';
import { MovePage } from './views/move-page.js';
import { SchoolChangePage } from './views/school-change-page.js';

/**
 * DEC-11, DEC-13: `/students/:id/move` and `/students/:id/school-change`, for the parent who
 * holds the student (another account's student is not found, PRV-1).
 */
export async function movesRoutes(app: FastifyInstance, deps: Deps, built: { movedOut?: OnMoveEndsPermits } = {}): Promise<void> {
  const service = new MovesService(deps, built);
  const route = typed(app);
  const districtName = (slug: string, lang: string) => {
    const d = deps.districts.get(slug);
    return d ? (d.name[lang as 'en' | 'es'] ?? d.name.en) : slug;
  };

  /** The signed-in parent's student named in the path, or null once the answer is sent. */
  const load = async (req: FastifyRequest, reply: FastifyReply, id: string) => {
    const user = await requireParent(req, reply);
    if (!user) return null;
    const student = await service.student(user.id, id);
    if (!student) {
      await reply.callNotFound();
      return null;
    }
    return { user, student };
  };

  const showMove = async (req: FastifyRequest, reply: FastifyReply, student: StudentRow, form: FormState, status = 200) => {
    const [permits, changes] = await Promise.all([service.activePermits(student.id), service.repo.addressChanges(student.id)]);
    const history = moveSummaries(changes);
    const last = await service.lastMoveAdvice(student, changes, permits);
    const { t, lang } = req.i18n;
    const lastMove = last ? { movedOn: last.change.moved_on, address: last.change.new_address, lines: renderAdvice(deps.districts, t, lang, last.advice) } : null;
    return reply.page((ctx) => MovePage({ ctx, student, form, lastMove, history }), { status });
  };

  /** A move or a change of school reported: the service checks the values; the student's page once done. */
  const report = (
    req: FastifyRequest,
    reply: FastifyReply,
    c: { student: StudentRow },
    run: (values: Record<string, string>) => Promise<{ kind: 'not-found' } | { kind: 'invalid'; errors: FormErrors } | { kind: 'done' }>,
    show: (req: FastifyRequest, reply: FastifyReply, student: StudentRow, form: FormState, status: number) => Promise<unknown>,
    flashKey: string,
  ) =>
    handleForm(reply, req.body, {
      parse: checkedBySubmit,
      submit: async (values) => {
        const r = await run(values);
        if (r.kind === 'not-found') return answered(reply.callNotFound());
        return r.kind === 'invalid' ? { ok: false, errors: r.errors } : { ok: true, value: r };
      },
      render: (form, status) => show(req, reply, c.student, form, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: flashKey, params: { name: c.student.first_name } });
        return `/students/${c.student.id}`;
      },
    });

  route.get('/students/:id/move', { schema: { params: idParams } }, async (req, reply) => {
    const c = await load(req, reply, req.params.id);
    if (!c) return;
    return showMove(req, reply, c.student, emptyForm({ state: c.student.state }));
  });

  route.post('/students/:id/move', { schema: { params: idParams } }, async (req, reply) => {
    const c = await load(req, reply, req.params.id);
    if (!c) return;
    return report(req, reply, c, (values) => service.reportMove(c.user.id, c.student.id, values), showMove, 'moves.reported');
  });

  const showSchoolChange = async (req: FastifyRequest, reply: FastifyReply, student: StudentRow, form: FormState, status = 200) => {
    const { t, lang } = req.i18n;
    const permits: ActivePermit[] = service.enrollmentPermits(await service.activePermits(student.id));
    const changes = await service.schoolChanges(student.id, permits);
    const shownPermits = permits.map((p) => {
      return { district: p.district_id, districtName: districtName(p.district_id, lang), schoolName: deps.districts.schoolById(p.school_id)?.name ?? p.school_id.split(':')[1] ?? '', firstYear: p.first_year, lastYear: p.last_year };
    });
    const many = new Set(permits.map((p) => p.district_id)).size > 1;
    const schools = [...new Set(permits.map((p) => p.district_id))].flatMap((slug) =>
      (deps.districts.get(slug)?.schools ?? []).map((s) => ({ value: s.code, label: many ? `${districtName(slug, lang)}: ${s.name}` : s.name })),
    );
    const history = changes.map((h) => ({
      reportedAt: localDate(new Date(h.at), deps.districts.get(h.district)?.timeZone), schoolName: deps.districts.schoolById(`${h.district}:${h.schoolCode}`)?.name ?? h.schoolCode, districtName: districtName(h.district, lang), from: h.from, same: h.same,
    }));
    const latest = service.lastSchoolChangeAdvice(student, changes, permits);
    const last = latest ? { school: latest.change.schoolCode, from: latest.change.from, lines: renderAdvice(deps.districts, t, lang, latest.advice) } : null;
    const values = { ...form.values };
    if (!values.district && permits.length && !('district' in form.errors)) values.district = permits[0].district_id;
    return reply.page((ctx) => SchoolChangePage({ ctx, student, form: { values, errors: form.errors }, permits: shownPermits, schools, last, history }), { status });
  };

  route.get('/students/:id/school-change', { schema: { params: idParams } }, async (req, reply) => {
    const c = await load(req, reply, req.params.id);
    if (!c) return;
    return showSchoolChange(req, reply, c.student, emptyForm());
  });

  route.post('/students/:id/school-change', { schema: { params: idParams } }, async (req, reply) => {
    const c = await load(req, reply, req.params.id);
    if (!c) return;
    return report(req, reply, c, (values) => service.reportSchoolChange(c.user.id, c.student.id, values), showSchoolChange, 'moves.schoolChangeReported');
  });
}
