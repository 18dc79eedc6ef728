import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requireStaff } from '../../platform/http/guards.js';
import { readSmallUpload } from '../../platform/http/file-upload.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { decodeCsvBytes } from '../addresses/csv-import.js';
import type { RollContext } from './context.js';
import type { LineErrors, RollImport } from './roll-import.js';
import { ImportPage } from './views/import-page.js';

/** A student information system's file of a large district: 500,000 enrollments are about 80 MB. */
export const MAX_IMPORT_BYTES = 120 * 1024 * 1024;


/** Issue 15 point 11: GET|POST /staff/roll/import, existing enrollments from a CSV, all or nothing. */
export async function importRoutes(app: FastifyInstance, ctx: RollContext, importer: RollImport): Promise<void> {
  const maxMb = Math.round(MAX_IMPORT_BYTES / 1024 / 1024);

  const forbidden = async (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff) => {
    await ctx.audit.refused(staff, 'roll.import', { type: 'district', id: staff.districtId }, req.ip, 'forbidden');
    return reply.page((page) => ErrorPage({ ctx: page, title: page.t('roll-import.errors.forbidden'), message: page.t('roll-import.errors.forbidden') }), { status: 403 });
  };

  const page = async (reply: FastifyReply, staff: SessionStaff, form: FormState, failure: { file: string; lines: LineErrors[]; badLines: number } | null = null, status = 200) => {
    const scope = await importer.scopeOf(staff);
    if (!scope) return reply.callNotFound();
    const schools = scope.district.schools.filter((s) => scope.schools === null || scope.schools.includes(`${scope.district.slug}:${s.code}`));
    return reply.page((p) => ImportPage({ ctx: p, district: scope.district, schools, maxMb, form, failure }), { status });
  };

  app.get('/staff/roll/import', async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    if (!importer.mayImport(staff)) return forbidden(req, reply, staff);
    return page(reply, staff, emptyForm());
  });

  // Multipart: the CSRF token (first field) is checked before the file is read.
  app.post('/staff/roll/import', { config: { csrf: 'manual' } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const may = importer.mayImport(staff);
    const upload = await readSmallUpload(req, { maxBytes: MAX_IMPORT_BYTES, allowed: may });
    if (!upload) return reply.redirect('/staff/roll/import', 303);
    const { checked, file, tooLarge } = upload;
    if (!checked) return sendCsrfFailure(req, reply);
    if (!may) return forbidden(req, reply, staff);

    const fileError = (key: string, params?: Record<string, string | number>) => page(reply, staff, { values: {}, errors: { file: { key, params } } }, null, 400);
    if (tooLarge) return fileError('roll-import.errors.tooLarge', { max: maxMb });
    if (!file || (file.data.length === 0 && !file.name)) return fileError('roll-import.errors.fileRequired');

    const started = Date.now();
    const r = await importer.importFile(staff, decodeCsvBytes(file.data));
    const detail = { file: file.name, bytes: file.data.length, ms: Date.now() - started };
    if (!r.ok) {
      if (r.problem.code === 'forbidden') return forbidden(req, reply, staff);
      const p = r.problem as { lines?: LineErrors[]; badLines?: number };
      // PRV-2: a refused import changed nothing, and is on the record with its count of bad lines.
      await ctx.audit.record(staff, 'roll.import', { type: 'district', id: staff.districtId }, req.ip, { ...detail, result: 'refused', badLines: p.badLines ?? 0 });
      return page(reply, staff, emptyForm(), { file: file.name || 'CSV', lines: p.lines ?? [], badLines: p.badLines ?? 0 }, 400);
    }
    // PRV-2: the import as one entry; each enrollment's history names the clerk and the source identifier.
    await ctx.audit.record(staff, 'roll.import', { type: 'district', id: staff.districtId }, req.ip, { ...detail, result: 'imported', rows: r.value.rows, enrolled: r.value.imported, already: r.value.already });
    const n = (x: number) => x.toLocaleString(req.i18n.lang === 'es' ? 'es-US' : 'en-US');
    await setFlash(req, ctx.deps.sessions, { type: 'success', messageKey: 'roll-import.imported', params: { count: n(r.value.imported), already: n(r.value.already) } });
    return reply.redirect('/staff/roll/import', 303);
  });
}
