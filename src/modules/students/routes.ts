import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Deps } from '../../deps.js';
import { formValues } from '../../platform/http/forms.js';
import { requireParent, safeNext } from '../../platform/http/guards.js';
import { idParams, nextQuery, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { StudentsService, studentFormValues } from './service.js';
import { movesRoutes } from './moves-routes.js';
import { parseStudentForm } from './validation.js';
import { StudentFormPage } from './views/student-form-page.js';
import { StudentsPage } from './views/students-page.js';

export async function studentRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
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
    const values = formValues(req.body);
    const parsed = parseStudentForm(values, service.today());
    if (!parsed.ok) return showForm(reply, { values, errors: parsed.errors }, withNext('/students/new', req.query), false, 400);
    const student = await service.add(user.id, parsed.data);
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'students.added', params: { name: student.first_name } });
    return reply.redirect(nextOf(req.query), 303);
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
    const values = formValues(req.body);
    const parsed = parseStudentForm(values, service.today());
    if (!parsed.ok) return showForm(reply, { values, errors: parsed.errors }, withNext(`/students/${id}/edit`, req.query), true, 400);
    const r = await service.update(user.id, id, parsed.data);
    if (!r.ok) return reply.callNotFound();
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'students.saved', params: { name: parsed.data.first_name } });
    return reply.redirect(nextOf(req.query), 303);
  });

  // DEC-11, DEC-13: reporting a move or a change of school.
  await movesRoutes(app, deps);
}
