import type { FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { csrfMatches } from './web.js';

/** An import's upload as it came: whether its CSRF token matched, the one file (in memory), and whether it was over the limit. */
export interface SmallUpload {
  /** The form's first part was a CSRF token that matched (nothing is read after one that does not). */
  checked: boolean;
  file: { name: string; data: Buffer } | null;
  tooLarge: boolean;
}

const errorCode = (e: unknown): string | undefined => (e as { code?: string } | null)?.code;

/**
 * Reads an import's upload (a CSV file of a few megabytes, parsed whole): the CSRF token first,
 * then the one file in `file`, read into memory only for someone who may import (`allowed`) with
 * a good token — every other part is drained. A file over `maxBytes` is not kept and says so.
 * Null when the body is not a multipart form at all.
 */
export async function readSmallUpload(req: FastifyRequest, opts: { maxBytes: number; allowed: boolean }): Promise<SmallUpload | null> {
  let parts: AsyncIterableIterator<Multipart>;
  try {
    parts = req.parts({ limits: { fileSize: opts.maxBytes } });
  } catch {
    return null;
  }
  let checked: boolean | null = null;
  let file: SmallUpload['file'] = null;
  let tooLarge = false;
  try {
    for await (const part of parts) {
      if (checked === null) checked = part.type === 'field' && part.fieldname === '_csrf' && csrfMatches(req.session?.csrfToken, String(part.value));
      if (part.type !== 'file') continue;
      if (!checked || !opts.allowed || part.fieldname !== 'file' || file || tooLarge) {
        part.file.resume();
        continue;
      }
      try {
        file = { name: part.filename, data: await part.toBuffer() };
      } catch (e) {
        if (errorCode(e) !== 'FST_REQ_FILE_TOO_LARGE') throw e;
        tooLarge = true;
      }
    }
  } catch (e) {
    if (errorCode(e) !== 'FST_REQ_FILE_TOO_LARGE') throw e;
    tooLarge = true;
  }
  return { checked: checked === true, file, tooLarge };
}
