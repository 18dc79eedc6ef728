import type { FastifyInstance, FastifyReply, FastifyRequest, onSendHookHandler } from 'fastify';
import type { Readable } from 'node:stream';
import type { Deps } from '../../deps.js';
import { answered, handleForm, refuseProblem } from '../../platform/http/form-cycle.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { paramsOf, queryOf, queryValue, typed } from '../../platform/http/route-schemas.js';
import { setFlash } from '../../platform/http/web.js';
import { own } from '../../platform/own.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { DOCUMENT_STATUSES, DocumentReview, FILE_TYPES, INLINE_TYPES, ReviewSchema, canReview, heicToJpeg, isHeic, readAll } from '../documents/review.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RequestScope } from '../access/request-scope.js';
import type { RequestViews } from './request-view.js';
import { requirePermitOffice } from '../access/permit-office.js';
import { DocumentReviewPage } from './views/document-list.js';
import { DocumentsPage } from './views/documents-page.js';

/**
 * What a parent's file may do when the viewer shows it from our origin: nothing. An image is
 * sandboxed (no scripts, a unique origin) and may load nothing but itself; the browser's own
 * image page needs its inline styles.
 */
const IMAGE_CSP = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
/**
 * A PDF gets the same policy without `sandbox`: Chrome and Safari refuse to start their PDF
 * viewer in a sandboxed document (Chrome shows "This page has been blocked"), whatever sandbox
 * flags are allowed. The viewer runs the PDF apart from our pages (scripts in a PDF never reach
 * our origin's cookies or DOM); the type was read from the bytes at upload (DOC-6) and
 * `nosniff` keeps the browser from taking it for anything else. Chrome draws the PDF through an
 * internal <embed>, hence `object-src 'self'`.
 */
const PDF_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * Route-level onSend hooks run after the app-wide one (securityHeaders), so this replaces the
 * site's page policy on the file itself. Anything else from the route (an error page) keeps it.
 */
const viewerHeaders: onSendHookHandler = async (_req, reply, payload) => {
  const type = String(reply.getHeader('content-type') ?? '');
  if (type.startsWith('application/pdf')) reply.header('Content-Security-Policy', PDF_CSP);
  else if (type.startsWith('image/')) reply.header('Content-Security-Policy', IMAGE_CSP);
  return payload;
};

/** DOC-3: reviewing, viewing and finding documents (registered by staffRoutes). */
export async function documentStaffRoutes(app: FastifyInstance, deps: Deps, built: { audit: AuditLog; scope: RequestScope; views: RequestViews }): Promise<void> {
  const { audit, scope, views } = built;
  const review = new DocumentReview(deps, built);
  const route = typed(app);
  /** The routes of one document of a request. */
  const documentRoute = { schema: { params: paramsOf('id', 'documentId') } };
  const forbidden = (req: FastifyRequest, reply: FastifyReply) => {
    const { t } = req.i18n;
    return reply.page((ctx) => ErrorPage({ ctx, title: t('review.forbidden.title'), message: t('review.forbidden.message') }), { status: 403 });
  };

  /**
   * The request and document a review page is about, or the answer that ends the request. A
   * refusal is audited under the action tried (PRV-2): the review page's view, or the review.
   */
  const reviewable = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, action: 'application.view' | 'document.review', { id, documentId }: { id: string; documentId: string }) => {
    const r = await views.view(staff, id);
    const doc = r.ok ? r.value.documents.find((d) => d.id === documentId) : undefined;
    const refused = (why: string) => audit.refused(staff, action, { type: 'document', id: documentId }, req.ip, why, { application: id });
    if (!r.ok || !doc) {
      await refused('not-found');
      await reply.callNotFound();
      return null;
    }
    if (!canReview(staff)) {
      await refused('forbidden');
      await forbidden(req, reply);
      return null;
    }
    return { application: r.value.application, doc };
  };

  const reviewPage = (reply: FastifyReply, staff: SessionStaff, found: NonNullable<Awaited<ReturnType<typeof reviewable>>>, form: FormState, status = 200) => {
    const district = deps.districts.get(staff.districtId)!;
    return reply.page((ctx) => DocumentReviewPage({ ctx, district, application: found.application, doc: found.doc, form }), { status });
  };

  route.get('/staff/requests/:id/documents/:documentId/review', documentRoute, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const found = await reviewable(req, reply, staff, 'application.view', req.params);
    if (!found) return;
    await audit.record(staff, 'application.view', { type: 'application', id: found.application.id }, req.ip, { document: found.doc.id });
    return reviewPage(reply, staff, found, emptyForm());
  });

  // DOC-3: accept, reject with a reason, or set back to received. Who may is checked again by the service.
  route.post('/staff/requests/:id/documents/:documentId/review', documentRoute, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const found = await reviewable(req, reply, staff, 'document.review', req.params);
    if (!found) return;
    return handleForm(reply, req.body, {
      parse: ReviewSchema,
      submit: async (data) => {
        const r = await review.review(staff, found.application.id, found.doc.id, data, req.ip);
        if (r.ok) return r;
        await audit.refusedIf(r.problem.code, staff, 'document.review', { type: 'document', id: found.doc.id }, req.ip, { application: found.application.id });
        if (r.problem.code === 'forbidden') return answered(forbidden(req, reply));
        if (r.problem.code === 'not-found') return answered(reply.callNotFound());
        return refuseProblem({ ...r.problem, params: undefined }, r.problem.field ?? 'reason');
      },
      render: (form, status) => reviewPage(reply, staff, found, form, status),
      redirectTo: async (doc) => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `review.done.${doc.status}`, params: { file: doc.original_name } });
        return `/staff/requests/${found.application.id}#doc-${found.doc.id}`;
      },
    });
  });

  // The document in the browser: PDF, JPEG and PNG as they are, HEIC/HEIF converted to JPEG.
  // Same access as the download (PRV-1); each view is in the audit log (PRV-2).
  route.get('/staff/requests/:id/documents/:documentId/view', { ...documentRoute, onSend: viewerHeaders }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const { id, documentId } = req.params;
    const r = await scope.document(staff, id, documentId);
    if (!r.ok) {
      await audit.refused(staff, 'document.view', { type: 'document', id: documentId }, req.ip, r.problem.code, { application: id });
      return reply.callNotFound();
    }
    const doc = r.value;
    const heic = isHeic(doc.content_type);
    if (!heic && !INLINE_TYPES.has(doc.content_type)) return reply.redirect(`/staff/requests/${id}/documents/${documentId}`, 303);
    let body: Readable | Buffer = deps.storage.read(doc.storage_key);
    let type = doc.content_type;
    let name = doc.original_name;
    if (heic) {
      try {
        body = await heicToJpeg(await readAll(body));
      } catch (e) {
        req.log.warn({ err: e, document: doc.id }, 'HEIC conversion failed');
        const { t } = req.i18n;
        return reply.page((ctx) => ErrorPage({ ctx, title: t('review.viewer.failedTitle'), message: t('review.viewer.failedMessage') }), { status: 422 });
      }
      type = 'image/jpeg';
      name = `${name.replace(/\.[^.]*$/, '')}.jpg`;
    }
    await audit.record(staff, 'document.view', { type: 'document', id: documentId }, req.ip, { application: id, converted: heic });
    const safeName = name.replace(/[^\w. -]/g, '_');
    return reply
      .type(type)
      .header('Content-Disposition', `inline; filename="${safeName}"`)
      .header('X-Content-Type-Options', 'nosniff')
      .send(body);
  });

  // DOC-3: documents across the district's requests (a site administrator's: their schools').
  route.get('/staff/documents', { schema: { querystring: queryOf({ q: queryValue, status: queryValue, type: queryValue }) } }, async (req, reply) => {
    const staff = await requirePermitOffice(req, reply, audit);
    if (!staff) return;
    const q = req.query;
    const str = (k: 'q' | 'status' | 'type', max = 20) => (q[k] ?? '').trim().slice(0, max);
    const status = str('status');
    const type = str('type');
    const filter = { q: str('q', 80), status: (DOCUMENT_STATUSES as readonly string[]).includes(status) ? status : '', type: own(FILE_TYPES, type) ? type : '' };
    const rows = await review.search(staff, filter);
    await audit.record(staff, 'documents.search', { type: 'documents' }, req.ip, { ...filter, results: rows.length });
    const district = deps.districts.get(staff.districtId)!;
    return reply.page((ctx) => DocumentsPage({ ctx, district, rows, filter }));
  });
}
