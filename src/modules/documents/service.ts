import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { Deps } from '../../deps.js';
import { newId } from '../../platform/ids.js';
import { err, ok, type Result } from '../../platform/result.js';
import { FileTooLargeError, type StagedFile } from '../../platform/storage/storage.js';
import { Readable } from 'node:stream';
import type { Transaction } from 'kysely';
import type { ApplicationsTable, Database, DocumentsTable } from '../../platform/db/schema.js';
import type { Localized } from '../districts/config-schema.js';
import { moveRequest, noteRequest } from '../applications/lifecycle.js';
import { DocumentsRepository } from './repository.js';
import { SNIFF_BYTES, cleanFileName, detectAcceptedType, readHead } from './file-type.js';

export type Application = ApplicationsTable;
/** The doc_type of a file that is not for one checklist item. */
export const OTHER = 'other';

export interface ChecklistItem {
  code: string;
  required: boolean;
  label: Localized;
  description: Localized;
  files: DocumentsTable[];
  /** The approved release travelled with a forwarded request (DEC-5): nothing to send. */
  heldByRelease: boolean;
}

export interface ChecklistStatus {
  items: ChecklistItem[];
  /** Files sent as "other documents" (or for an item the district's list no longer has). */
  other: DocumentsTable[];
  /** Codes of the required items with no file yet, or only rejected ones (APP-11, DOC-3). */
  missingRequired: string[];
}

export type FieldErrors = Record<string, { key: string; params?: Record<string, string | number> }>;
/** `outage`: the file store failed (full, unreachable); the route logs it for the operators. */
export type UploadOutcome = { ok: true; count: number } | { ok: false; errors: FieldErrors; outage?: unknown };

/** Statuses in which a request still takes documents (APP-11, DOC-4). */
const UPLOADABLE = ['incomplete', 'submitted', 'info_requested'];

/**
 * The checklist item an incoming request forwarded from a release (DEC-5) already holds: the
 * release itself travelled with it, so the parent is not asked for it again.
 */
const RELEASE = 'release';
const heldByRelease = (app: { kind: string; linked_application_id: string | null }, code: string): boolean =>
  code === RELEASE && app.kind === 'incoming' && app.linked_application_id !== null;

/** A file that counts for its checklist item: any but one the permit office rejected (DOC-3). */
export const counts = (d: Pick<DocumentsTable, 'status'>): boolean => d.status !== 'rejected';

/** The limit in MB as people read it: 10, 2.5, 0.05. */
export const maxUploadMb = (bytes: number): number => Number((bytes / 1024 / 1024).toFixed(2));

const errorCode = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;
/** A file-system failure of our storage, as opposed to a client that went away. */
const isOurOutage = (e: unknown): boolean => {
  const x = e as { syscall?: string; code?: string } | null;
  return Boolean(x?.syscall) && !['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(x?.code ?? '');
};

/** Reads what is left of a file part and throws it away, so the next part can be read (the withdrawal form's upload too). */
export const drain = async (file: MultipartFile) => {
  if (file.file.readableEnded || file.file.destroyed) return;
  file.file.resume();
  await new Promise<void>((resolve) => {
    file.file.once('end', () => resolve());
    file.file.once('close', () => resolve());
    file.file.once('error', () => resolve());
  });
};

/** Reads and throws away every part of a multipart body (an upload refused before it is read). */
const drainAll = async (parts: AsyncIterable<Multipart>) => {
  try {
    for await (const part of parts) if (part.type === 'file') await drain(part);
  } catch {
    // a broken or over-limit body changes nothing: the answer is the same refusal
  }
};

const HOUR = 60 * 60_000;

/** DOC-1, DOC-2, DOC-6, APP-11: the documents of a request. */
export class DocumentsService {
  readonly repo: DocumentsRepository;
  constructor(private deps: Deps) {
    this.repo = new DocumentsRepository(deps.db);
  }

  /** PRV-1: a parent reaches only their own requests; anything else reads as "not found". */
  async forParent(accountId: string, applicationId: string): Promise<Result<Application>> {
    const row = await this.repo.application(applicationId);
    if (!row || row.account_id !== accountId) return err('not-found', 'common.notFound.title');
    return ok(row);
  }

  /** Each checklist item of the request with the files received for it, and what is still missing. */
  async checklistStatus(application: Application | string): Promise<ChecklistStatus> {
    const app = typeof application === 'string' ? await this.repo.application(application) : application;
    if (!app) return { items: [], other: [], missingRequired: [] };
    const docs = await this.repo.forApplication(app.id);
    return this.match(app, docs);
  }

  private match(app: Application, docs: DocumentsTable[]): ChecklistStatus {
    const district = this.deps.districts.get(app.district_id);
    const base = district ? this.deps.districts.checklist(district, app.kind, app.reason_code) : [];
    const items = base.map((i) => ({ ...i, files: docs.filter((d) => d.doc_type === i.code), heldByRelease: heldByRelease(app, i.code) }));
    const known = new Set(items.map((i) => i.code));
    return {
      items,
      other: docs.filter((d) => !known.has(d.doc_type)),
      // DOC-3: a rejected file stays listed (with why) but no longer counts: the parent sends another.
      missingRequired: items.filter((i) => i.required && !i.files.some(counts) && !i.heldByRelease).map((i) => i.code),
    };
  }

  /**
   * Streams each file of a multipart upload into storage, typed from its content (DOC-6).
   * Fields are named `file_<checklist code>` (or `file_other`); a browser sends them in form
   * order, after the CSRF field the route has already read.
   *
   * All or nothing: if any file is refused, or the upload breaks off, no row is written and the
   * errors say which file and why. Each file is staged (kept in the store's temporary place) and
   * only committed under its key once the whole upload is accepted, so a refused upload leaves
   * nothing behind: not a blob, not a temporary file (PRV-3, and nobody fills the disk with
   * refused uploads).
   */
  takesDocuments(app: Pick<Application, 'status'>): boolean {
    return UPLOADABLE.includes(app.status);
  }

  /**
   * Whose hourly allowance an upload counts against: the parent's account, or — without an
   * account — the request found through the public look-up (whoever knows its four details
   * shares it; a new look-up does not give a new allowance).
   */
  private allowanceOf(app: Application, via: 'account' | 'public', actor: string): string {
    return via === 'account' ? actor : `public:${app.id}`;
  }

  /**
   * Is there room for one more file (and one more byte) in the hourly allowance? Asked before a
   * byte is read, counting nothing, so a parent who used it up is told at once.
   */
  private async anyLeft(subject: string): Promise<boolean> {
    const { uploadFilesPerHour, uploadBytesPerHour } = this.deps.config;
    return (
      (await this.deps.rateLimiter.peek(`upload.files:${subject}`, uploadFilesPerHour, HOUR, 1)) &&
      (await this.deps.rateLimiter.peek(`upload.bytes:${subject}`, uploadBytesPerHour, HOUR, 1))
    );
  }

  /**
   * Counts an accepted upload (its actual files and bytes) against the hourly allowance, before
   * anything is committed: true if it fits. A refused count adds nothing; when the files fit but
   * the bytes do not, the files are given back.
   */
  private async take(subject: string, files: number, bytes: number): Promise<boolean> {
    const { uploadFilesPerHour, uploadBytesPerHour } = this.deps.config;
    const byFiles = await this.deps.rateLimiter.hit(`upload.files:${subject}`, uploadFilesPerHour, HOUR, files);
    if (!byFiles.allowed) return false;
    const byBytes = await this.deps.rateLimiter.hit(`upload.bytes:${subject}`, uploadBytesPerHour, HOUR, bytes);
    if (!byBytes.allowed) await this.giveBack(subject, files, 0);
    return byBytes.allowed;
  }

  /** An upload counted but then not recorded (the store or the database failed) costs nothing. */
  private async giveBack(subject: string, files: number, bytes: number): Promise<void> {
    const { uploadFilesPerHour, uploadBytesPerHour } = this.deps.config;
    if (files) await this.deps.rateLimiter.refund(`upload.files:${subject}`, uploadFilesPerHour, HOUR, files);
    if (bytes) await this.deps.rateLimiter.refund(`upload.bytes:${subject}`, uploadBytesPerHour, HOUR, bytes);
  }

  private hourlyLimit(): FieldErrors {
    const { uploadFilesPerHour, uploadBytesPerHour } = this.deps.config;
    return { _form: { key: 'documents.errors.hourlyLimit', params: { files: uploadFilesPerHour, mb: maxUploadMb(uploadBytesPerHour) } } };
  }

  async upload(app: Application, parts: AsyncIterable<Multipart>, via: 'account' | 'public', actor: string): Promise<UploadOutcome> {
    // A decided or closed request takes no more documents: they would sit unread.
    if (!this.takesDocuments(app)) {
      for await (const part of parts) if (part.type === 'file') await drain(part);
      return { ok: false, errors: { _form: { key: 'documents.errors.closed' } } };
    }
    // An allowance already used up is said before a byte is stored.
    const subject = this.allowanceOf(app, via, actor);
    if (!(await this.anyLeft(subject))) {
      await drainAll(parts);
      return { ok: false, errors: this.hourlyLimit() };
    }
    const staged: StagedFile[] = [];
    try {
      return await this.receive(app, parts, via, actor, subject, staged);
    } finally {
      // Whatever happened, the temporary copies go: committed files are under their keys by now,
      // refused ones were never anywhere else.
      await Promise.all(staged.map((f) => f.discard().catch(() => undefined)));
    }
  }

  private async receive(app: Application, parts: AsyncIterable<Multipart>, via: 'account' | 'public', actor: string, subject: string, staged: StagedFile[]): Promise<UploadOutcome> {
    const { items } = await this.checklistStatus(app);
    const codes = new Set([...items.map((i) => i.code), OTHER]);
    const errors: FieldErrors = {};
    const fail = (field: string, key: string, params: Record<string, string | number> = {}) => {
      errors[field] ??= { key, params }; // the first problem of each input; the rest follow once it is fixed
    };
    const stored: (DocumentsTable & { staged: StagedFile })[] = [];
    const maxBytes = this.deps.config.maxUploadBytes;
    const max = maxUploadMb(maxBytes);

    try {
      for await (const part of parts) {
        if (part.type !== 'file') continue;
        const field = part.fieldname;
        const code = field.startsWith('file_') ? field.slice('file_'.length) : '';
        const name = cleanFileName(part.filename);
        // An input left empty arrives as a part with no file name; a field we do not know is
        // not ours to keep.
        if (!codes.has(code) || !name) {
          await drain(part);
          continue;
        }
        try {
          // The first few kilobytes tell the type; storage then takes them as the prefix and reads
          // the rest straight from the same (paused) stream.
          const head = await readHead(part.file, SNIFF_BYTES);
          if (head.length === 0) {
            fail(field, 'documents.errors.empty', { file: name });
            continue;
          }
          const type = await detectAcceptedType(head);
          if (!type) {
            fail(field, 'documents.errors.wrongType', { file: name });
            await drain(part);
            continue;
          }
          const saved = await this.deps.storage.stage(part.file, { maxBytes, prefix: head });
          staged.push(saved);
          // The multipart reader cuts a file at the limit; a cut file is never kept.
          if (part.file.truncated) {
            fail(field, 'documents.errors.tooLarge', { file: name, max });
            continue;
          }
          stored.push({
            id: newId(),
            application_id: app.id,
            doc_type: code,
            original_name: name,
            content_type: type.mime,
            size_bytes: saved.size,
            sha256: saved.sha256,
            storage_key: saved.key,
            status: 'received',
            uploaded_via: via,
            uploaded_at: this.deps.clock.now().toISOString(),
            review_reason: null,
            review_note: null,
            reviewed_by: null,
            reviewed_at: null,
            staged: saved,
          });
        } catch (e) {
          if (e instanceof FileTooLargeError || errorCode(e) === 'FST_REQ_FILE_TOO_LARGE') {
            fail(field, 'documents.errors.tooLarge', { file: name, max });
            await drain(part);
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      const code = errorCode(e);
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
        errors._form = { key: 'documents.errors.tooMany', params: { max: this.deps.config.maxFilesPerUpload } };
      } else if (code === 'FST_REQ_FILE_TOO_LARGE') {
        // The reader reports a file cut at the limit once more when the next part is asked for.
        // That file is already named as too large; this is not an interruption.
        const field = (e as { part?: { fieldname?: string; filename?: string } }).part?.fieldname;
        if (field) fail(field, 'documents.errors.tooLarge', { file: cleanFileName((e as { part?: { filename?: string } }).part?.filename ?? ''), max });
        else if (!Object.values(errors).some((x) => x.key === 'documents.errors.tooLarge')) errors._form = { key: 'documents.errors.tooLargeAny', params: { max } };
      } else if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
        errors._form = { key: 'documents.errors.noFiles' };
      } else if (isOurOutage(e)) {
        // A full disk or an unreachable store is ours to fix: the parent is told plainly that
        // nothing was saved and to try again later; nothing of this upload is recorded.
        return { ok: false, errors: { _form: { key: 'documents.errors.storageDown' } }, outage: e };
      } else {
        // The connection broke or the body was cut short: nothing of it is recorded.
        errors._form = { key: 'documents.errors.interrupted' };
      }
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    if (stored.length === 0) return { ok: false, errors: { _form: { key: 'documents.errors.noFiles' } } };
    // This upload, added to what was sent in the last hour, must fit the allowance (DOC-6, PRV-3).
    const bytes = stored.reduce((n, d) => n + d.size_bytes, 0);
    if (!(await this.take(subject, stored.length, bytes))) return { ok: false, errors: this.hourlyLimit() };
    try {
      return await this.record(app, stored, actor);
    } catch (e) {
      await this.giveBack(subject, stored.length, bytes).catch(() => undefined);
      // Blobs committed before the failure stay unreferenced; the storage clean-up removes them.
      if (isOurOutage(e)) return { ok: false, errors: { _form: { key: 'documents.errors.storageDown' } }, outage: e };
      throw e;
    }
  }

  /**
   * A document this system made for a request (issue 16 point 10: the latest attendance record,
   * issued from the attendance the district of residence keeps here), recorded as an upload is:
   * the request's history, APP-11's completeness, DOC-4's answer. `alsoIn` runs in the same
   * transaction with the new document's id, for what the maker keeps beside it.
   */
  async recordMade(app: Application, made: { docType: string; fileName: string; pdf: Buffer }, actor: string, alsoIn: (trx: Transaction<Database>, documentId: string) => Promise<void>): Promise<string> {
    const staged = await this.deps.storage.stage(Readable.from([made.pdf]), { maxBytes: made.pdf.length + 1 });
    try {
      const row: DocumentsTable = {
        id: newId(), application_id: app.id, doc_type: made.docType, original_name: made.fileName, content_type: 'application/pdf', size_bytes: staged.size,
        sha256: staged.sha256, storage_key: staged.key, status: 'received', uploaded_via: 'system', uploaded_at: this.deps.clock.now().toISOString(),
        review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
      };
      await this.record(app, [{ ...row, staged }], actor, (trx) => alsoIn(trx, row.id));
      return row.id;
    } finally {
      await staged.discard().catch(() => undefined);
    }
  }

  /** Commits the staged blobs, then writes the rows in one transaction (DOC-2, APP-11, DOC-4). */
  private async record(app: Application, stored: (DocumentsTable & { staged: StagedFile })[], actor: string, alsoIn?: (trx: Transaction<Database>) => Promise<void>): Promise<UploadOutcome> {
    for (const d of stored) await d.staged.commit();
    const rows: DocumentsTable[] = stored.map(({ staged: _staged, ...row }) => row);
    const now = this.deps.clock.now().toISOString();
    await this.deps.db.transaction().execute(async (trx) => {
      // Under the blob lock, every blob this upload names is there (StorageJanitor).
      await this.repo.lockBlobs(trx, 'shared');
      for (const d of stored) await d.staged.ensure();
      const status = (await this.repo.lockApplication(trx, app.id, now)) ?? app.status;
      // A retried upload (the same bytes for the same document) is kept once; sending again a
      // file that was rejected makes a new row, for staff to look at again.
      const known = new Set((await this.repo.forApplication(app.id, trx)).filter((d) => d.status !== 'rejected').map((d) => `${d.doc_type}:${d.sha256}`));
      const fresh = rows.filter((d) => !known.has(`${d.doc_type}:${d.sha256}`));
      if (fresh.length) await this.repo.insert(fresh, trx);
      // PRV-3: every upload is on the request's history (who, when, how many files).
      await noteRequest(trx, { id: app.id, actor, at: now, status, note: `documents:${stored.length}` });
      // APP-11: complete once every required document is in.
      const { missingRequired } = this.match(app, await this.repo.forApplication(app.id, trx));
      if (status === 'incomplete' && missingRequired.length === 0) await moveRequest(trx, { id: app.id, from: 'incomplete', to: 'submitted', actor, at: now, note: 'documents complete' });
      // DOC-4: an answer to a request for missing items puts the request back in the queue, in
      // its original place (the queue is ordered by the unchanged received_at).
      const back = missingRequired.length === 0 ? 'submitted' : 'incomplete';
      if (status === 'info_requested' && (await moveRequest(trx, { id: app.id, from: 'info_requested', to: back, actor, at: now, note: 'answer to a request for missing items' }))) {
        await this.repo.answerInfoRequests(trx, app.id, now);
      }
      if (alsoIn) await alsoIn(trx);
    });
    return { ok: true, count: stored.length };
  }
}
