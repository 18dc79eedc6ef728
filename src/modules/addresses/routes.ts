import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { readSmallUpload } from '../../platform/http/file-upload.js';
import { sendCsrfFailure, setFlash } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { ErrorPage } from '../../platform/views/error-page.js';
import { requireStaff } from '../../platform/http/guards.js';
import type { AuditLog } from '../access/audit-log.js';
import { canManageDistrict } from '../access/roles.js';
import { decodeCsvBytes } from './csv-import.js';
import { AddressService } from './service.js';
import { AddressesPage, type ImportFailure } from './views/addresses-page.js';

/** A range file may be larger than a parent's document: 500,000 ranges are about 25 MB. */
export const MAX_RANGE_FILE_BYTES = 50 * 1024 * 1024;


/** STU-2: district administrators import their district's address ranges (GET/POST /staff/addresses). */
export async function addressRoutes(app: FastifyInstance, deps: Deps, audit: AuditLog): Promise<void> {
  const service = new AddressService(deps);
  const maxMb = Math.round(MAX_RANGE_FILE_BYTES / 1024 / 1024);

  const forbidden = (req: FastifyRequest, reply: FastifyReply) => {
    const { t } = req.i18n;
    return reply.page((ctx) => ErrorPage({ ctx, title: t('addresses.forbidden.title'), message: t('addresses.forbidden.message') }), { status: 403 });
  };

  /** The signed-in district administrator; anyone else is sent to sign in or shown "not allowed". */
  const requireAdmin = async (req: FastifyRequest, reply: FastifyReply): Promise<SessionStaff | null> => {
    const staff = await requireStaff(req, reply);
    if (!staff) return null;
    if (!canManageDistrict(staff)) {
      await audit.refused(staff, 'addresses.view', { type: 'address_ranges', id: staff.districtId }, req.ip, 'forbidden'); // PRV-2
      await forbidden(req, reply);
      return null;
    }
    return staff;
  };

  const page = async (reply: FastifyReply, admin: SessionStaff, form: FormState, failure: ImportFailure | null = null, status = 200) => {
    const district = deps.districts.get(admin.districtId);
    if (!district) return reply.callNotFound();
    const count = await service.count(district.slug);
    return reply.page((ctx) => AddressesPage({ ctx, district, count, maxMb, form, failure }), { status });
  };

  app.get('/staff/addresses', async (req, reply) => {
    const admin = await requireAdmin(req, reply);
    if (!admin) return;
    return page(reply, admin, emptyForm());
  });

  // Multipart: the CSRF token (first field) is checked here, before the file is read.
  app.post('/staff/addresses', { config: { csrf: 'manual' } }, async (req, reply) => {
    const staff = await requireStaff(req, reply);
    if (!staff) return;
    const upload = await readSmallUpload(req, { maxBytes: MAX_RANGE_FILE_BYTES, allowed: canManageDistrict(staff) });
    if (!upload) return reply.redirect('/staff/addresses', 303);
    const { checked, file, tooLarge } = upload;
    if (!checked) return sendCsrfFailure(req, reply);
    if (!canManageDistrict(staff)) {
      await audit.refused(staff, 'addresses.import', { type: 'address_ranges', id: staff.districtId }, req.ip, 'forbidden'); // PRV-2
      return forbidden(req, reply);
    }

    const fileError = (key: string, params?: Record<string, string | number>) => page(reply, staff, { values: {}, errors: { file: { key, params } } }, null, 400);
    if (tooLarge) return fileError('addresses.errors.tooLarge', { max: maxMb });
    if (!file || (file.data.length === 0 && !file.name)) return fileError('addresses.errors.fileRequired');

    const r = await service.importRanges(staff.districtId, decodeCsvBytes(file.data));
    if (!r.ok) {
      if (r.problem.code === 'not-found') return reply.callNotFound();
      const lines = r.problem.lines ?? [];
      await audit.record(staff, 'addresses.import', { type: 'address_ranges', id: staff.districtId }, req.ip, { file: file.name, bytes: file.data.length, result: 'refused', problems: lines.length });
      return page(reply, staff, emptyForm(), { file: file.name || 'CSV', lines }, 400);
    }
    await audit.record(staff, 'addresses.import', { type: 'address_ranges', id: staff.districtId }, req.ip, { file: file.name, bytes: file.data.length, result: 'imported', ranges: r.value.imported });
    const district = deps.districts.get(staff.districtId)!;
    await setFlash(req, deps.sessions, {
      type: 'success',
      messageKey: 'addresses.imported',
      params: { count: r.value.imported.toLocaleString(req.i18n.lang === 'es' ? 'es-US' : 'en-US'), district: district.name[req.i18n.lang as 'en' | 'es'] ?? district.name.en },
    });
    return reply.redirect('/staff/addresses', 303);
  });
}
