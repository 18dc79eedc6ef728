import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { formValues, rawField } from '../../platform/http/forms.js';
import { csrfMatches } from '../../platform/http/web.js';
import { FileTooLargeError, type FileStorage, type StagedFile } from '../../platform/storage/storage.js';
import { SNIFF_BYTES, cleanFileName, detectAcceptedType, readHead } from './file-type.js';
import { drain, maxUploadMb } from './service.js';

/** One file a form sent, typed from its bytes and staged in storage (not yet under its key). */
export interface FormFile {
  staged: StagedFile;
  fileName: string;
  contentType: string;
}

/** A form with at most one file, as it came: its fields, its retry key, the file, the file's problems, and whether its CSRF token matched. */
export interface OneFileForm {
  values: Record<string, string>;
  /** The platform's idempotency key (`_idem`), read here because the platform's hook does not parse multipart bodies. */
  idem: string;
  document?: FormFile;
  errors: Record<string, { key: string; params?: Record<string, string | number> }>;
  csrf: boolean;
}

const errorCode = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

/**
 * Reads a form that may carry one file (a withdrawal's document, the photo of an absence's note)
 * as it comes: the CSRF token first — nothing after a wrong one is kept —, the text fields, and
 * the one file in `field`, typed from its bytes (DOC-6: never from its name) among `types` and
 * staged in storage, never whole in memory. Another file, or a second, is read and thrown away.
 * The file's problems are catalog keys in the form's own namespace (`<ns>.errors.file-empty`,
 * `file-type`, `file-too-large`, `file-interrupted`, `storage-down`), on the file's field. A form
 * sent without a file (urlencoded) is read too.
 */
export async function readOneFileForm(req: FastifyRequest, storage: FileStorage, opts: { field: string; types: readonly string[]; maxBytes: number; ns: string; what: string }): Promise<OneFileForm> {
  const got: OneFileForm = { values: {}, idem: '', errors: {}, csrf: false };
  const { field, types, maxBytes, ns } = opts;
  if (!req.isMultipart()) {
    const idem = rawField(req.body, '_idem');
    return { ...got, values: formValues(req.body), idem: typeof idem === 'string' ? idem : '', csrf: csrfMatches(req.session?.csrfToken, rawField(req.body, '_csrf')) };
  }
  let parts: AsyncIterableIterator<Multipart>;
  try {
    parts = req.parts();
  } catch {
    return got;
  }
  const fail = (key: string, params: Record<string, string | number> = {}) => {
    got.errors[field] ??= { key: `${ns}.errors.${key}`, params };
  };
  let first = true;
  try {
    for await (const part of { [Symbol.asyncIterator]: () => parts }) {
      if (first) {
        first = false;
        got.csrf = part.type === 'field' && part.fieldname === '_csrf' && csrfMatches(req.session?.csrfToken, String(part.value));
      }
      if (!got.csrf) {
        if (part.type === 'file') await drain(part);
        continue;
      }
      if (part.type === 'field') {
        if (part.fieldname === '_idem') got.idem = String(part.value);
        else if (part.fieldname !== '_csrf') got.values[part.fieldname] = String(part.value);
        continue;
      }
      const name = cleanFileName(part.filename);
      // An input left empty arrives as a part with no file name; one file only.
      if (part.fieldname !== field || !name || got.document || got.errors[field]) {
        await drain(part);
        continue;
      }
      try {
        const head = await readHead(part.file, SNIFF_BYTES);
        if (head.length === 0) {
          fail('file-empty', { file: name });
          continue;
        }
        const type = await detectAcceptedType(head);
        if (!type || !types.includes(type.mime)) {
          fail('file-type', { file: name });
          await drain(part);
          continue;
        }
        const staged = await storage.stage(part.file, { maxBytes, prefix: head });
        got.document = { staged, fileName: name, contentType: type.mime };
        // The multipart reader cuts a file at the limit; a cut file is never kept.
        if (part.file.truncated) fail('file-too-large', { file: name, max: maxUploadMb(maxBytes) });
      } catch (e) {
        if (e instanceof FileTooLargeError || errorCode(e) === 'FST_REQ_FILE_TOO_LARGE') {
          fail('file-too-large', { file: name, max: maxUploadMb(maxBytes) });
          await drain(part);
          continue;
        }
        throw e;
      }
    }
  } catch (e) {
    const code = errorCode(e);
    if (code === 'FST_REQ_FILE_TOO_LARGE') fail('file-too-large', { file: '', max: maxUploadMb(maxBytes) });
    else if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') fail('file-interrupted');
    else if ((e as { syscall?: string } | null)?.syscall && !['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code ?? '')) {
      req.log.error({ err: e }, `file store failed during ${opts.what}; nothing was saved`);
      fail('storage-down');
    } else fail('file-interrupted');
  }
  return got;
}
