import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import type { Deps } from '../../deps.js';
import { formValues } from '../../platform/http/forms.js';
import { requireParent } from '../../platform/http/guards.js';
import { csrfMatches, sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState, type PageContext } from '../../platform/views/context.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import { DocumentsService, type Application, type FieldErrors } from './service.js';
import { PublicLookup } from './lookup.js';
import { receiptPdf } from './receipt-pdf.js';
import { ChecklistTable, DocumentsSection } from './views/documents-section.js';
import { LookupPage, PublicRequestPage } from './views/public-pages.js';

const PUBLIC_TTL_MS = 30 * 60_000;
type Verified = { id: string; at: number };

export function documentsModule(app: FastifyInstance, deps: Deps) {
  const service = new DocumentsService(deps);
  const lookup = new PublicLookup(deps);
  const maxMb = Math.round((deps.config.maxUploadBytes / 1024 / 1024) * 10) / 10;
  const maxFiles = deps.config.maxFilesPerUpload;
  const districtName = (a: Application, lang: string) => {
    const d = deps.districts.get(a.district_id);
    return d ? (d.name[lang as 'en' | 'es'] ?? d.name.en) : a.district_id;
  };

  /** Upload errors travel to the next page view through the session (POST-redirect-GET). */
  const takeUploadErrors = async (req: FastifyRequest): Promise<FormState> => {
    const s = req.session;
    const errors = s?.data.uploadErrors as FieldErrors | undefined;
    if (!s || !errors) return emptyForm();
    delete s.data.uploadErrors;
    await deps.sessions.saveData(s);
    return { values: {}, errors };
  };

  /** Reads the multipart body: the CSRF field first, then the files. */
  const receive = async (req: FastifyRequest, reply: FastifyReply, appRow: Application, via: 'account' | 'public', actor: string, back: string) => {
    let parts: AsyncIterableIterator<Multipart>;
    try {
      parts = req.parts();
    } catch {
      return reply.redirect(back, 303);
    }
    const first = await parts.next().catch(() => ({ done: true, value: undefined }) as const);
    const token = !first.done && first.value?.type === 'field' && first.value.fieldname === '_csrf' ? String(first.value.value) : '';
    if (!csrfMatches(req.session?.csrfToken, token)) {
      // Read and discard the rest so the client sees the page, not a reset connection.
      for await (const p of { [Symbol.asyncIterator]: () => parts }) if (p.type === 'file') p.file.resume();
      return sendCsrfFailure(req, reply);
    }
    const result = await service.upload(appRow, { [Symbol.asyncIterator]: () => parts }, via, actor);
    const session = await req.ensureSession();
    if (!result.ok) {
      session.data.uploadErrors = result.errors;
      await deps.sessions.saveData(session);
      return reply.redirect(`${back}#documents-heading`, 303);
    }
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'documents.upload.done', params: { count: String(result.count) } });
    return reply.redirect(back, 303);
  };

  const sendReceipt = async (req: FastifyRequest, reply: FastifyReply, appRow: Application) => {
    const { items, other } = await service.checklist(appRow);
    const pdf = await receiptPdf(req.i18n, appRow, districtName(appRow, req.i18n.lang), items, other, deps.clock.now().toISOString());
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="receipt-${formatConfirmationNumber(appRow.confirmation_number)}.pdf"`)
      .send(pdf);
  };

  const ownApplication = async (req: FastifyRequest, reply: FastifyReply): Promise<Application | null> => {
    const user = await requireParent(req, reply);
    if (!user) return null;
    const row = await service.repo.application((req.params as { id: string }).id);
    if (!row || row.account_id !== user.id) {
      await reply.callNotFound();
      return null;
    }
    return row;
  };

  // --- From the account (DOC-1, DOC-2) ---
  app.post('/applications/:id/documents', { config: { csrf: 'manual' } }, async (req, reply) => {
    const row = await ownApplication(req, reply);
    if (!row) return;
    return receive(req, reply, row, 'account', `parent:${req.session!.user!.id}`, `/applications/${row.id}`);
  });

  app.get('/applications/:id/receipt.pdf', async (req, reply) => {
    const row = await ownApplication(req, reply);
    if (!row) return;
    return sendReceipt(req, reply, row);
  });

  // --- Without an account: upload (DOC-1) and status (APP-11) ---
  const verified = async (req: FastifyRequest, key: string): Promise<Application | null> => {
    const v = req.session?.data[key] as Verified | undefined;
    if (!v || deps.clock.now().getTime() - v.at > PUBLIC_TTL_MS) return null;
    return (await service.repo.application(v.id)) ?? null;
  };

  const lookupRoutes = (path: string, key: string, texts: { title: string; intro: string; submit: string }, resultPath: string) => {
    const page = (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
      const { t } = req.i18n;
      return reply.page((ctx) => LookupPage({ ctx, form, title: t(texts.title), intro: t(texts.intro), action: path, submitLabel: t(texts.submit) }), { status });
    };
    app.get(path, async (req, reply) => page(req, reply, emptyForm()));
    app.post(path, async (req, reply) => {
      const values = formValues(req.body);
      const errors = lookup.validate(values);
      if (Object.keys(errors).length) return page(req, reply, { values, errors }, 400);
      const found = await lookup.find(values, req.ip);
      if (!found.ok) {
        const status = found.problem.code === 'rate-limited' ? 429 : 400;
        return page(req, reply, { values, errors: { _form: { key: found.problem.messageKey, params: found.problem.params } } }, status);
      }
      const session = await req.ensureSession();
      session.data[key] = { id: found.value.id, at: deps.clock.now().getTime() } satisfies Verified;
      await deps.sessions.saveData(session);
      return reply.redirect(resultPath, 303);
    });
  };

  lookupRoutes('/upload', 'publicUpload', { title: 'documents.publicUpload.title', intro: 'documents.publicUpload.intro', submit: 'common.continue' }, '/upload/documents');
  lookupRoutes('/status', 'publicStatus', { title: 'documents.status.title', intro: 'documents.status.intro', submit: 'documents.status.submit' }, '/status/result');

  app.get('/upload/documents', async (req, reply) => {
    const row = await verified(req, 'publicUpload');
    if (!row) return reply.redirect('/upload', 303);
    const { items, other } = await service.checklist(row);
    const form = await takeUploadErrors(req);
    return reply.page((ctx) =>
      PublicRequestPage({
        ctx, app: row, title: ctx.t('documents.publicUpload.documentsTitle'), districtName: districtName(row, ctx.lang),
        children: DocumentsSection({ ctx, items, other, form, action: '/upload/documents', receiptHref: '/upload/receipt.pdf', maxMb, maxFiles }),
      }),
    );
  });

  app.post('/upload/documents', { config: { csrf: 'manual' } }, async (req, reply) => {
    const row = await verified(req, 'publicUpload');
    if (!row) return reply.redirect('/upload', 303);
    return receive(req, reply, row, 'public', 'public-upload', '/upload/documents');
  });

  app.get('/upload/receipt.pdf', async (req, reply) => {
    const row = await verified(req, 'publicUpload');
    if (!row) return reply.redirect('/upload', 303);
    return sendReceipt(req, reply, row);
  });

  app.get('/status/result', async (req, reply) => {
    const row = await verified(req, 'publicStatus');
    if (!row) return reply.redirect('/status', 303);
    const { items, other } = await service.checklist(row);
    const messages = await service.repo.messagesForApplication(row.id);
    return reply.page((ctx) =>
      PublicRequestPage({
        ctx, app: row, title: ctx.t('documents.status.resultTitle'), districtName: districtName(row, ctx.lang),
        children: (
          <>
            <h2>{ctx.t('documents.heading')}</h2>
            {ChecklistTable({ ctx, items, other })}
            <p><a class="usa-button" href="/upload">{ctx.t('common.uploadDocuments')}</a></p>
            <h2>{ctx.t('applications.page.messagesHeading')}</h2>
            {messages.length === 0 ? <p>{ctx.t('applications.page.noMessages')}</p> : (
              <ul class="usa-list">{messages.map((m) => <li key={m.id}>{m.subject} — {ctx.i18n.dateTime(m.created_at)}</li>)}</ul>
            )}
            <p>{ctx.t('documents.status.signInForMore')}</p>
          </>
        ),
      }),
    );
  });

  /** The documents part of the parent's application page. */
  return {
    documentsSection: async (req: FastifyRequest, row: Application) => {
      const { items, other } = await service.checklist(row);
      const form = await takeUploadErrors(req);
      return (ctx: PageContext) => DocumentsSection({ ctx, items, other, form, action: `/applications/${row.id}/documents`, receiptHref: `/applications/${row.id}/receipt.pdf`, maxMb, maxFiles });
    },
  };
}
