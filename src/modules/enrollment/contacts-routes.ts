import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { answered, handleForm } from '../../platform/http/form-cycle.js';
import { requireParent, requireStaff } from '../../platform/http/guards.js';
import { idParams, paramsOf, typed } from '../../platform/http/route-schemas.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import type { RollContext } from './context.js';
import { contactsFormValues, parseContactsForm, type EmergencyContacts } from './emergency-contacts.js';
import { ContactsReadPage } from './views/contacts-list.js';
import { EmergencyContactsFormPage } from './views/emergency-contacts-form.js';

type Named = { id: string; first_name: string; last_name: string };

const studentParams = paramsOf('studentId');

/**
 * ENR-4: a student's emergency contacts — the parent's form (/students/:id/emergency-contacts,
 * their own students only) and the office's (/staff/roll/students/:studentId/emergency-contacts:
 * the school office changes them, a teacher reads them; PRV-1 scope, PRV-2 audit).
 */
export async function contactsRoutes(app: FastifyInstance, ctx: RollContext, contacts: EmergencyContacts): Promise<void> {
  const { deps, audit } = ctx;
  const route = typed(app);

  // The parent's form.
  const parentForm = (reply: FastifyReply, student: Named, form: FormState, status = 200) =>
    reply.page(
      (page) =>
        EmergencyContactsFormPage({
          ctx: page,
          form,
          title: page.t('emergency.form.parentTitle', { name: student.first_name }),
          intro: page.t('emergency.form.parentIntro', { name: student.first_name }),
          action: `/students/${encodeURIComponent(student.id)}/emergency-contacts`,
          back: { href: `/students/${encodeURIComponent(student.id)}`, label: page.t('emergency.form.backToStudent', { name: student.first_name }) },
        }),
      { status },
    );

  route.get('/students/:id/emergency-contacts', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    // PRV-1: another family's student, or one not linked to this account, is not found.
    const student = await contacts.parentStudent(user.id, req.params.id);
    if (!student) return reply.callNotFound();
    return parentForm(reply, student, emptyForm(contactsFormValues(await contacts.list(student.id))));
  });

  route.post('/students/:id/emergency-contacts', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const student = await contacts.parentStudent(user.id, req.params.id);
    if (!student) return reply.callNotFound();
    return handleForm(reply, req.body, {
      parse: parseContactsForm,
      submit: async (list) => {
        const r = await contacts.replaceForParent(user.id, student.id, list);
        return r.ok ? r : answered(reply.callNotFound());
      },
      render: (form, status) => parentForm(reply, student, form, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'emergency.saved', params: { name: student.first_name } });
        return `/students/${encodeURIComponent(student.id)}#emergency-heading`;
      },
    });
  });

  // The office's form; a teacher's page reads only.
  const staffBack = (page: { t: (k: string, p?: Record<string, string | number>) => string }, student: Named) => ({
    href: `/staff/roll/students/${encodeURIComponent(student.id)}`,
    label: page.t('emergency.staff.backToStudent', { name: `${student.first_name} ${student.last_name}` }),
  });
  const staffTitle = (page: { t: (k: string, p?: Record<string, string | number>) => string }, student: Named) =>
    page.t('emergency.staff.title', { name: `${student.first_name} ${student.last_name}` });
  const staffForm = (reply: FastifyReply, student: Named, form: FormState, status = 200) =>
    reply.page(
      (page) =>
        EmergencyContactsFormPage({
          ctx: page,
          form,
          title: staffTitle(page, student),
          intro: page.t('emergency.staff.intro'),
          action: `/staff/roll/students/${encodeURIComponent(student.id)}/emergency-contacts`,
          back: staffBack(page, student),
        }),
      { status },
    );
  const refused = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, action: string, studentId: string, code: string) => {
    await audit.refused(staff, action, { type: 'student', id: studentId }, req.ip, code); // PRV-2
    if (code !== 'forbidden') return reply.callNotFound();
    return reply.page((page) => ErrorPage({ ctx: page, title: page.t('emergency.errors.forbidden'), message: page.t('emergency.errors.forbiddenMessage') }), { status: 403 });
  };

  route.get('/staff/roll/students/:studentId/emergency-contacts', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    const r = await contacts.staffView(staff, studentId, req.ip);
    if (!r.ok) return refused(req, reply, staff, 'roll.contacts.view', studentId, r.problem.code);
    const { student, contacts: list, lastChange, canChange } = r.value;
    if (!canChange) return reply.page((page) => ContactsReadPage({ ctx: page, title: staffTitle(page, student), contacts: list, last: lastChange, back: staffBack(page, student) }));
    return staffForm(reply, student, emptyForm(contactsFormValues(list)));
  });

  route.post('/staff/roll/students/:studentId/emergency-contacts', { schema: { params: studentParams } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const { studentId } = req.params;
    // Who may change them is decided before the form is read: a teacher's post is refused whole.
    const may = await contacts.mayChange(staff, studentId);
    if (!may.ok) return refused(req, reply, staff, 'roll.contacts.update', studentId, may.problem.code);
    const student = may.value;
    return handleForm(reply, req.body, {
      parse: parseContactsForm,
      submit: async (list) => {
        const r = await contacts.replaceForStaff(staff, studentId, list, req.ip);
        if (r.ok) return r;
        return answered(refused(req, reply, staff, 'roll.contacts.update', studentId, r.problem.code));
      },
      render: (form, status) => staffForm(reply, student, form, status),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'emergency.saved', params: { name: student.first_name } });
        return `/staff/roll/students/${encodeURIComponent(studentId)}#emergency-contacts-heading`;
      },
    });
  });
}
