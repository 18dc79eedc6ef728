import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import { handleForm, refuseProblem } from '../../platform/http/form-cycle.js';
import { idParams, typed } from '../../platform/http/route-schemas.js';
import { csrfMatches, sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { translator } from '../../platform/i18n/translator.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import { maxUploadMb, type Application, type DocumentsService } from './service.js';
import type { PublicLookup } from './lookup.js';
import { takeUploadErrors as takeUploadErrorsOf } from './sections.js';
import { receiptPdf } from './receipt-pdf.js';
import { DocumentsSection } from './views/documents-section.js';
import { LookupPage, PublicRequestPage, StatusDetails } from './views/public-pages.js';

/** How long the four details, once matched, open the public pages in this browser. */
const PUBLIC_TTL_MS = 30 * 60_000;
/** The session key of a request found through the public look-up (DOC-1, APP-11). */
const PUBLIC_KEY = 'publicApplication';
type Verified = { id: string; at: number };

/** The parent's uploads (account and public look-up), the receipt, and the public status pages. */
export function documentRoutes(app: FastifyInstance, deps: Deps, built: { service: DocumentsService; lookup: PublicLookup }) {
  const { service, lookup } = built;
  const maxMb = maxUploadMb(deps.config.maxUploadBytes);
  const maxFiles = deps.config.maxFilesPerUpload;
  const district = (a: Application) => deps.districts.get(a.district_id);
  const districtName = (a: Application, lang: string) => {
    const d = district(a);
    return d ? (d.name[lang as 'en' | 'es'] ?? d.name.en) : a.district_id;
  };
  /** Times are written in the district's zone: what the office's clock said. */
  const districtI18n = (req: FastifyRequest, a: Application) => translator(deps.catalogs, req.i18n.lang, district(a)?.timeZone);

  const takeUploadErrors = (req: FastifyRequest) => takeUploadErrorsOf(deps.sessions, req);

  /** Reads the multipart body: the CSRF field first, then the files. */
  const receive = async (req: FastifyRequest, reply: FastifyReply, row: Application, via: 'account' | 'public', actor: string, back: string) => {
    let parts: AsyncIterableIterator<Multipart>;
    try {
      parts = req.parts();
    } catch {
      return reply.redirect(back, 303);
    }
    const iterable = { [Symbol.asyncIterator]: () => parts };
    const first = await parts.next().catch(() => ({ done: true, value: undefined }) as const);
    const token = !first.done && first.value?.type === 'field' && first.value.fieldname === '_csrf' ? String(first.value.value) : '';
    if (!csrfMatches(req.session?.csrfToken, token)) {
      // Nothing is stored. Read and discard the rest so the client sees the page, not a reset.
      try {
        if (!first.done && first.value?.type === 'file') first.value.file.resume();
        for await (const p of iterable) if (p.type === 'file') p.file.resume();
      } catch {
        // a broken body changes nothing: the answer is the same refusal
      }
      return sendCsrfFailure(req, reply);
    }
    const result = await service.upload(row, iterable, via, actor);
    const session = await req.ensureSession();
    if (!result.ok) {
      if (result.outage) req.log.error({ err: result.outage }, 'file store failed during an upload; nothing was saved');
      session.data.uploadErrors = result.errors;
      await deps.sessions.saveData(session);
      return reply.redirect(`${back}#documents-heading`, 303);
    }
    await setFlash(req, deps.sessions, { type: 'success', messageKey: 'documents.upload.done', params: { count: String(result.count) } });
    return reply.redirect(back, 303);
  };

  const sendReceipt = async (req: FastifyRequest, reply: FastifyReply, row: Application) => {
    const checklist = await service.checklistStatus(row);
    const pdf = await receiptPdf(districtI18n(req, row), row, districtName(row, req.i18n.lang), checklist, deps.clock.now().toISOString());
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `attachment; filename="receipt-${formatConfirmationNumber(row.confirmation_number)}.pdf"`)
      .header('Cache-Control', 'no-store')
      .send(pdf);
  };

  /** The signed-in parent's own request, or a 404 page (PRV-1: never say whose it is). */
  const ownApplication = async (req: FastifyRequest, reply: FastifyReply, id: string): Promise<Application | null> => {
    const user = await requireParent(req, reply);
    if (!user) return null;
    const found = await service.forParent(user.id, id);
    if (!found.ok) {
      await reply.callNotFound();
      return null;
    }
    return found.value;
  };

  // --- From the account (DOC-1, DOC-2) ---
  typed(app).post('/applications/:id/documents', { config: { csrf: 'manual' }, schema: { params: idParams } }, async (req, reply) => {
    const row = await ownApplication(req, reply, req.params.id);
    if (!row) return;
    return receive(req, reply, row, 'account', `parent:${req.session!.user!.id}`, `/applications/${row.id}`);
  });

  typed(app).get('/applications/:id/receipt.pdf', { schema: { params: idParams } }, async (req, reply) => {
    const row = await ownApplication(req, reply, req.params.id);
    if (!row) return;
    return sendReceipt(req, reply, row);
  });

  // --- Without an account: upload (DOC-1) and status (APP-11) ---
  /** The request this browser proved it knows, within the time limit. */
  const verified = async (req: FastifyRequest): Promise<Application | null> => {
    const v = req.session?.data[PUBLIC_KEY] as Verified | undefined;
    if (!v || typeof v.id !== 'string' || deps.clock.now().getTime() - v.at > PUBLIC_TTL_MS) return null;
    return (await service.repo.application(v.id)) ?? null;
  };

  const lookupRoutes = (path: string, texts: { title: string; intro: string; submit: string }, resultPath: string) => {
    const page = (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
      const { t } = req.i18n;
      return reply.page((ctx) => LookupPage({ ctx, form, title: t(texts.title), intro: t(texts.intro), action: path, submitLabel: t(texts.submit) }), { status });
    };
    app.get(path, async (req, reply) => page(req, reply, emptyForm()));
    app.post(path, async (req, reply) =>
      handleForm(reply, req.body, {
        parse: (values) => {
          const errors = lookup.validate(values);
          return Object.keys(errors).length ? { ok: false, errors } : { ok: true, data: values };
        },
        submit: async (values) => {
          const found = await lookup.find(values, req.ip);
          if (!found.ok) return { ...refuseProblem(found.problem, '_form'), status: found.problem.code === 'rate-limited' ? 429 : 400 };
          const session = await req.ensureSession();
          session.data[PUBLIC_KEY] = { id: found.value.id, at: deps.clock.now().getTime() } satisfies Verified;
          await deps.sessions.saveData(session);
          return found;
        },
        render: (form, status) => page(req, reply, form, status),
        redirectTo: () => resultPath,
      }),
    );
  };

  lookupRoutes('/upload', { title: 'documents.publicUpload.title', intro: 'documents.publicUpload.intro', submit: 'common.continue' }, '/upload/documents');
  lookupRoutes('/status', { title: 'documents.status.title', intro: 'documents.status.intro', submit: 'documents.status.submit' }, '/status/result');

  app.get('/upload/documents', async (req, reply) => {
    const row = await verified(req);
    if (!row) return reply.redirect('/upload', 303);
    const checklist = await service.checklistStatus(row);
    const form = await takeUploadErrors(req);
    return reply.page((ctx) =>
      PublicRequestPage({
        ctx, app: row, title: ctx.t('documents.publicUpload.documentsTitle'), districtName: districtName(row, ctx.lang), hasErrors: Object.keys(form.errors).length > 0,
        children: DocumentsSection({ ctx, items: checklist.items, other: checklist.other, form, action: '/upload/documents', receiptHref: '/upload/receipt.pdf', maxMb, maxFiles, closed: !service.takesDocuments(row) }),
      }),
    );
  });

  app.post('/upload/documents', { config: { csrf: 'manual' } }, async (req, reply) => {
    const row = await verified(req);
    if (!row) return reply.redirect('/upload', 303);
    return receive(req, reply, row, 'public', 'public-upload', '/upload/documents');
  });

  app.get('/upload/receipt.pdf', async (req, reply) => {
    const row = await verified(req);
    if (!row) return reply.redirect('/upload', 303);
    return sendReceipt(req, reply, row);
  });

  app.get('/status/result', async (req, reply) => {
    const row = await verified(req);
    if (!row) return reply.redirect('/status', 303);
    const checklist = await service.checklistStatus(row);
    const messages = await service.repo.messagesForApplication(row.id);
    const zoned = districtI18n(req, row);
    return reply.page((ctx) =>
      PublicRequestPage({
        ctx, app: row, title: ctx.t('documents.status.resultTitle'), districtName: districtName(row, ctx.lang),
        children: StatusDetails({ ctx, checklist, messages, when: zoned.dateTime }),
      }),
    );
  });
}
