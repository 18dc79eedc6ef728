import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import { own } from '../../platform/own.js';
import type { ApplicationsTable, DocumentsTable } from '../../platform/db/schema.js';
import type { Transaction } from 'kysely';
import type { Database } from '../../platform/db/schema.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { translator } from '../../platform/i18n/translator.js';
import type { AuditLog } from '../access/audit-log.js';
import { canChangeRecords } from '../access/roles.js';
import type { RequestScope } from '../access/request-scope.js';

const require = createRequire(import.meta.url);

/** DOC-3: what the permit office says about each document. */
export const DOCUMENT_STATUSES = ['received', 'accepted', 'rejected'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];

/** DOC-3: why a document is rejected. The parent reads each one, with what to send instead, in their language. */
export const REJECT_REASONS = ['unreadable', 'wrong-document', 'expired', 'incomplete', 'wrong-student', 'other'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
export const NOTE_MAX = 500;

/** The file types staff search by, and the content types (found from the bytes, DOC-6) of each. */
export const FILE_TYPES: Record<string, string[]> = {
  pdf: ['application/pdf'],
  jpeg: ['image/jpeg'],
  png: ['image/png'],
  heic: ['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence'],
};

/** Only the permit office reviews: site administrators and auditors read, they never decide (DOC-3). */
export const canReview = canChangeRecords;

export const ReviewSchema = z
  .object({
    decision: z.enum(DOCUMENT_STATUSES, 'review.errors.decision'),
    reason: z.string().trim().default(''),
    note: z.string().trim().max(NOTE_MAX, 'review.errors.noteTooLong').default(''),
  })
  .superRefine((v, ctx) => {
    if (v.decision !== 'rejected') return;
    if (!v.reason) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'review.errors.reasonRequired' });
    else if (!(REJECT_REASONS as readonly string[]).includes(v.reason)) ctx.addIssue({ code: 'custom', path: ['reason'], message: 'review.errors.reasonUnknown' });
    else if (v.reason === 'other' && !v.note) ctx.addIssue({ code: 'custom', path: ['note'], message: 'review.errors.noteRequired' });
  });
export type ReviewInput = z.infer<typeof ReviewSchema>;

export interface DocumentSearchFilter {
  /** The district's student ID (exact), or the start of the student's first or last name. */
  q: string;
  status: string;
  type: string;
}

/** One search hit: the document and the request it belongs to, as the search selects them. */
export type DocumentSearchRow = Pick<DocumentsTable, 'id' | 'application_id' | 'doc_type' | 'original_name' | 'content_type' | 'size_bytes' | 'status' | 'review_reason' | 'uploaded_at'> &
  Pick<ApplicationsTable, 'student_first_name' | 'student_last_name' | 'student_number' | 'confirmation_number'>;

export const SEARCH_LIMIT = 100;

/** DOC-3: staff set each document's status and find documents across their district's requests. */
export class DocumentReview {
  private audit: AuditLog;
  private scope: RequestScope;
  /** `built`: the audit log and the scope of a request, built once at the top. */
  constructor(private deps: Deps, built: { audit: AuditLog; scope: RequestScope }) {
    this.audit = built.audit;
    this.scope = built.scope;
  }

  /**
   * Sets one document's status, with who and when, and records it in the audit log in the same
   * transaction (PRV-2). A request the staff member cannot see is "not found" (PRV-1); one they
   * can see but may not review (site administrators, auditors) is "forbidden".
   */
  async review(staff: SessionStaff, applicationId: string, documentId: string, input: ReviewInput, ip: string): Promise<Result<DocumentsTable>> {
    const found = await this.scope.document(staff, applicationId, documentId);
    if (!found.ok) return found;
    if (!canReview(staff)) return err('forbidden', 'review.forbidden.message');
    const rejected = input.decision === 'rejected';
    if (rejected && !(REJECT_REASONS as readonly string[]).includes(input.reason)) return err('invalid', 'review.errors.reasonRequired', { field: 'reason' });
    if (rejected && input.reason === 'other' && !input.note) return err('invalid', 'review.errors.noteRequired', { field: 'note' });
    const now = this.deps.clock.now().toISOString();
    const change = {
      status: input.decision,
      // Only a rejection has a reason; accepting (or setting back) clears the last one.
      review_reason: rejected ? input.reason : null,
      review_note: rejected && input.note ? input.note : null,
      reviewed_by: staff.id,
      reviewed_at: now,
    };
    await this.deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('documents').set(change).where('id', '=', documentId).where('application_id', '=', applicationId).execute();
      await this.audit.in(trx).record(staff, 'document.review', { type: 'document', id: documentId }, ip, {
        application: applicationId, from: found.value.status, to: change.status, reason: change.review_reason,
      });      // DOC-3: the parent hears of a rejection by email too (and in the account), with what to send instead.
      if (rejected && found.value.status !== 'rejected') await this.tellParent(trx, applicationId, found.value, input, now);
    });
    return ok({ ...found.value, ...change });
  }

  private async tellParent(trx: Transaction<Database>, applicationId: string, doc: DocumentsTable, input: ReviewInput, nowIso: string) {
    const app = await trx.selectFrom('applications').selectAll().where('id', '=', applicationId).executeTakeFirstOrThrow();
    const district = this.deps.districts.get(app.district_id)!;
    const lang = app.language as 'en' | 'es';
    const { t } = translator(this.deps.catalogs, app.language);
    const label = district.documents.find((d) => d.code === doc.doc_type)?.label[lang] ?? t('documents.other');
    await enqueueEmail(trx, this.deps.catalogs, {
      dedupeKey: `document-rejected:${doc.id}:${nowIso}`, to: app.decision_email, language: app.language, template: 'review.email.rejected',
      accountId: app.account_id, applicationId: app.id,
      params: {
        student: `${app.student_first_name} ${app.student_last_name}`, document: label, file: doc.original_name,
        reason: t(`review.reasons.${input.reason}`), instead: t(`review.instead.${input.reason}`), note: input.note || '-',
        link: `${this.deps.config.publicUrl}/applications/${app.id}`,
      },
    }, nowIso);
  }

  /**
   * DOC-3: documents of the staff member's district (a site administrator: of their schools'
   * requests only, as in the queue), newest first, at most SEARCH_LIMIT.
   */
  async search(staff: SessionStaff, filter: DocumentSearchFilter): Promise<DocumentSearchRow[]> {
    let q = this.deps.db
      .selectFrom('documents')
      .innerJoin('applications', 'applications.id', 'documents.application_id')
      .select([
        'documents.id', 'documents.application_id', 'documents.doc_type', 'documents.original_name', 'documents.content_type', 'documents.size_bytes',
        'documents.status', 'documents.review_reason', 'documents.uploaded_at',
        'applications.student_first_name', 'applications.student_last_name', 'applications.student_number', 'applications.confirmation_number',
      ])
      .where('applications.district_id', '=', staff.districtId);
    const schools = await this.scope.schools(staff);
    if (schools) q = q.where('applications.requested_school_id', 'in', schools.length ? schools : ['-']);
    if ((DOCUMENT_STATUSES as readonly string[]).includes(filter.status)) q = q.where('documents.status', '=', filter.status);
    const contentTypes = own(FILE_TYPES, filter.type);
    if (contentTypes) q = q.where('documents.content_type', 'in', contentTypes);
    const term = filter.q.trim();
    if (term) {
      // Every word must start the first or the last name ("mat lop" finds Mateo López); the
      // whole term may also be the student ID, exactly as the district wrote it.
      const words = term.toLowerCase().replace(/[%_\\]/g, '').split(/\s+/).filter(Boolean);
      q = q.where((eb) =>
        eb.or([
          eb('applications.student_number', 'in', [term, term.toUpperCase()]),
          ...(words.length
            ? [eb.and(words.map((w) => eb.or([eb(eb.fn('lower', ['applications.student_last_name']), 'like', `${w}%`), eb(eb.fn('lower', ['applications.student_first_name']), 'like', `${w}%`)])))]
            : []),
        ]),
      );
    }
    return q.orderBy('documents.uploaded_at', 'desc').orderBy('documents.id', 'desc').limit(SEARCH_LIMIT).execute();
  }
}

/** Types the staff viewer shows as they are. */
export const INLINE_TYPES = new Set(['application/pdf', 'image/jpeg', 'image/png']);
export const isHeic = (contentType: string): boolean => FILE_TYPES.heic.includes(contentType);

const CONVERT_TIMEOUT_MS = 60_000;

/**
 * Converts a HEIC/HEIF photo to a JPEG a browser can show, on the fly, each time it is viewed.
 *
 * Not cached, on purpose: storage names a file by the hash of its bytes, so a cached JPEG could
 * only be found again through a new column (or a second naming scheme in the storage), and it
 * would be one more copy of a child's document for retention and deletion to know about. Staff
 * open a document a few times at most, and a phone photo converts in moments.
 *
 * The decoder (libheif compiled to WebAssembly) and the JPEG encoder (pure JavaScript) run on
 * the thread that calls them and hold the whole image in memory, so each conversion runs in its own worker thread, one at a time:
 * the server keeps answering everyone else meanwhile, and memory stays bounded (the upload
 * limit bounds the photo).
 */
export function heicToJpeg(heic: Buffer): Promise<Buffer> {
  const run = converting.then(() => convertInWorker(heic));
  converting = run.catch(() => undefined);
  return run;
}
let converting: Promise<unknown> = Promise.resolve();

function convertInWorker(heic: Buffer): Promise<Buffer> {
  // A CommonJS script of its own: workers do not go through the TypeScript loader.
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    require(workerData.module)({ buffer: workerData.heic, format: 'JPEG', quality: 0.85 })
      .then((jpeg) => parentPort.postMessage(Buffer.from(jpeg)));
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(source, {
      eval: true,
      workerData: { heic, module: require.resolve('heic-convert') },
      // libheif writes its complaints to stderr; the route logs the error instead.
      stdout: true,
      stderr: true,
    });
    worker.stdout.resume();
    worker.stderr.resume();
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error('HEIC conversion timed out'));
    }, CONVERT_TIMEOUT_MS);
    worker.once('message', (jpeg: Uint8Array) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve(Buffer.from(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength));
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`HEIC conversion stopped (exit ${code})`));
    });
  });
}

/** Reads a stored file whole: for the conversion only (HEIC files are within the upload limit). */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
