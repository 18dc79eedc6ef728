import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import { answered, handleForm } from '../../platform/http/form-cycle.js';
import { requireParent, safeNext } from '../../platform/http/guards.js';
import { idParams, nextQuery, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { StudentsService, studentFormValues } from './service.js';
import { movesRoutes } from './moves-routes.js';
import type { OnMoveEndsPermits } from './move-hooks.js';
import { parseStudentForm } from './validation.js';
import { StudentFormPage } from './views/student-form-page.js';
import { StudentsPage } from './views/students-page.js';

export async function studentRoutes(app: FastifyInstance, deps: Deps, built: { movedOut?: OnMoveEndsPermits } = {}): Promise<void> {
  const service = new StudentsService(deps);
  const route = typed(app);
  const nextOf = (query: { next?: string }) => safeNext(query.next, '/students');
  /** The form's action keeps a return address only when it is ours; a refused one is dropped. */
  const withNext = (path: string, query: { next?: string }) => {
    const next = safeNext(query.next, '');
    return next ? `${path}?next=${encodeURIComponent(next)}` : path;
  };
  const showForm = (reply: FastifyReply, form: FormState, action: string, editing: boolean, status = 200) =>
    reply.page((ctx) => StudentFormPage({ ctx, form, action, editing }), { status });

  app.get('/students', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const students = await service.list(user.id);
    return reply.page((ctx) => StudentsPage({ ctx, students }));
  });

  route.get('/students/new', { schema: { querystring: nextQuery } }, async (req, reply) => {
    if (!(await requireParent(req, reply))) return;
    return showForm(reply, emptyForm({ state: 'CA' }), withNext('/students/new', req.query), false);
  });

  route.post('/students/new', { schema: { querystring: nextQuery } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    return handleForm(reply, req.body, {
      parse: (values) => parseStudentForm(values, service.today()),
      submit: async (data) => ({ ok: true, value: await service.add(user.id, data) }),
      render: (form, status) => showForm(reply, form, withNext('/students/new', req.query), false, status),
      redirectTo: async (student) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'students.added', params: { name: student.first_name } });
        return nextOf(req.query);
      },
    });
  });

  route.get('/students/:id/edit', { schema: { params: idParams, querystring: nextQuery } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const { id } = req.params;
    const student = await service.get(user.id, id);
    if (!student) return reply.callNotFound();
    return showForm(reply, emptyForm(studentFormValues(student)), withNext(`/students/${id}/edit`, req.query), true);
  });

  route.post('/students/:id/edit', { schema: { params: idParams, querystring: nextQuery } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const { id } = req.params;
    if (!(await service.get(user.id, id))) return reply.callNotFound();
    return handleForm(reply, req.body, {
      parse: (values) => parseStudentForm(values, service.today()),
      submit: async (data) => ((await service.update(user.id, id, data)).ok ? { ok: true, value: data } : answered(reply.callNotFound())),
      render: (form, status) => showForm(reply, form, withNext(`/students/${id}/edit`, req.query), true, status),
      redirectTo: async (data) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'students.saved', params: { name: data.first_name } });
        return nextOf(req.query);
      },
    });
  });

  // DEC-11, DEC-13: reporting a move or a change of school.
  await movesRoutes(app, deps, built);
}
