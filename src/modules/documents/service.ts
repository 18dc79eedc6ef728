import { Readable } from 'node:stream';
import type { MultipartFile, Multipart } from '@fastify/multipart';
import type { Deps } from '../../deps.js';
import { newId } from '../../platform/ids.js';
import { FileTooLargeError } from '../../platform/storage/storage.js';
import type { ApplicationsTable, DocumentsTable } from '../../platform/db/schema.js';
import type { Localized } from '../districts/config-schema.js';
import { DocumentsRepository } from './repository.js';
import { SNIFF_BYTES, detectAcceptedType } from './file-type.js';

export type Application = ApplicationsTable;
export const OTHER = 'other';

export interface ChecklistItem {
  code: string;
  required: boolean;
  label: Localized;
  description: Localized;
  files: DocumentsTable[];
}

export type FieldErrors = Record<string, { key: string; params?: Record<string, string | number> }>;

const drain = async (file: MultipartFile) => {
  file.file.resume();
  await new Promise<void>((resolve) => {
    if (file.file.readableEnded) return resolve();
    file.file.once('end', () => resolve());
    file.file.once('error', () => resolve());
  });
};

/** DOC-1, DOC-2, DOC-6, APP-11: the documents of a request. */
export class DocumentsService {
  readonly repo: DocumentsRepository;
  constructor(private deps: Deps) {
    this.repo = new DocumentsRepository(deps.db);
  }

  async checklist(app: Application): Promise<{ items: ChecklistItem[]; other: DocumentsTable[]; missingRequired: ChecklistItem[] }> {
    const district = this.deps.districts.get(app.district_id);
    const docs = await this.repo.forApplication(app.id);
    const base = district ? this.deps.districts.checklist(district, app.kind, app.reason_code) : [];
    const items = base.map((i) => ({ ...i, files: docs.filter((d) => d.doc_type === i.code) }));
    const known = new Set(items.map((i) => i.code));
    return {
      items,
      other: docs.filter((d) => !known.has(d.doc_type)),
      missingRequired: items.filter((i) => i.required && i.files.length === 0),
    };
  }

  /**
   * Streams each file of a multipart upload into storage, typed from its content. If any file
   * is refused, nothing of the request is recorded: no rows are written (blobs already stored
   * stay in the content-addressed store, unreferenced, and are harmless).
   */
  async upload(
    app: Application,
    parts: AsyncIterableIterator<Multipart> | AsyncIterable<Multipart>,
    via: 'account' | 'public',
    actor: string,
  ): Promise<{ ok: true; count: number } | { ok: false; errors: FieldErrors }> {
    const { items } = await this.checklist(app);
    const codes = new Set([...items.map((i) => i.code), OTHER]);
    const errors: FieldErrors = {};
    const stored: DocumentsTable[] = [];
    const maxBytes = this.deps.config.maxUploadBytes;
    const tooLarge = (field: string, file: string) => {
      errors[field] = { key: 'documents.errors.tooLarge', params: { file, max: Math.round(maxBytes / 1024 / 1024) || 1 } };
    };
    try {
      for await (const part of parts) {
        if (part.type !== 'file') continue;
        const field = part.fieldname;
        const code = field.startsWith('file_') ? field.slice(5) : '';
        const name = (part.filename ?? '').slice(0, 200);
        if (!codes.has(code) || !name) {
          await drain(part);
          continue;
        }
        const iterator = part.file[Symbol.asyncIterator]();
        let head = Buffer.alloc(0);
        while (head.length < SNIFF_BYTES) {
          const next = await iterator.next();
          if (next.done) break;
          head = Buffer.concat([head, next.value as Buffer]);
        }
        if (head.length === 0) {
          errors[field] = { key: 'documents.errors.empty', params: { file: name } };
          continue;
        }
        const type = await detectAcceptedType(head);
        if (!type) {
          errors[field] = { key: 'documents.errors.wrongType', params: { file: name } };
          await drain(part);
          continue;
        }
        const rest = Readable.from({ [Symbol.asyncIterator]: () => iterator });
        try {
          const saved = await this.deps.storage.put(rest, { maxBytes, prefix: head });
          if (part.file.truncated) {
            tooLarge(field, name);
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
          });
        } catch (e) {
          if (e instanceof FileTooLargeError || (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
            tooLarge(field, name);
            await drain(part);
            continue;
          }
          throw e;
        }
      }
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') {
        errors._form = { key: 'documents.errors.tooMany', params: { max: this.deps.config.maxFilesPerUpload } };
      } else if (code === 'FST_REQ_FILE_TOO_LARGE') {
        errors._form = { key: 'documents.errors.tooLarge', params: { file: '', max: Math.round(maxBytes / 1024 / 1024) || 1 } };
      } else if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') {
        errors._form = { key: 'documents.errors.noFiles' };
      } else {
        // The connection broke mid-upload: nothing of it is recorded.
        errors._form = { key: 'documents.errors.interrupted' };
      }
    }
    if (Object.keys(errors).length) return { ok: false, errors };
    if (stored.length === 0) return { ok: false, errors: { _form: { key: 'documents.errors.noFiles' } } };

    const now = this.deps.clock.now().toISOString();
    await this.deps.db.transaction().execute(async (trx) => {
      await this.repo.insert(stored, trx);
      await this.repo.insertEvent(trx, { id: newId(), application_id: app.id, at: now, actor, from_status: app.status, to_status: app.status, note: `documents:${stored.length}` });
      // APP-11: complete once every required document is in.
      const docs = await this.repo.forApplication(app.id, trx);
      const missing = items.filter((i) => i.required && !docs.some((d) => d.doc_type === i.code));
      if (missing.length === 0 && (await this.repo.moveStatus(trx, app.id, 'incomplete', 'submitted', now))) {
        await this.repo.insertEvent(trx, { id: newId(), application_id: app.id, at: now, actor, from_status: 'incomplete', to_status: 'submitted', note: 'documents complete' });
      }
    });
    return { ok: true, count: stored.length };
  }
}
