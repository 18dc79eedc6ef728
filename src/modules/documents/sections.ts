import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SessionStore } from '../../platform/http/sessions.js';
import type { Section } from '../../platform/modules.js';
import { emptyForm, type FormState, type PageContext } from '../../platform/views/context.js';
import { maxUploadMb, type Application, type DocumentsService, type FieldErrors } from './service.js';
import { DocumentsSection } from './views/documents-section.js';

/** Upload errors travel to the next page view through the session (POST-redirect-GET). */
export async function takeUploadErrors(sessions: SessionStore, req: FastifyRequest): Promise<FormState> {
  const s = req.session;
  const errors = s?.data.uploadErrors as FieldErrors | undefined;
  if (!s || !errors) return emptyForm();
  delete s.data.uploadErrors;
  await sessions.saveData(s);
  return { values: {}, errors };
}

/** The documents part of the parent's application page (rendered there by the applications module). */
export function documentsSection(deps: Deps, service: DocumentsService) {
  const maxMb = maxUploadMb(deps.config.maxUploadBytes);
  const maxFiles = deps.config.maxFilesPerUpload;
  return async (req: FastifyRequest, row: Application): Promise<Section> => {
    const { items, other } = await service.checklistStatus(row);
    const form = await takeUploadErrors(deps.sessions, req);
    return (ctx: PageContext) => DocumentsSection({ ctx, items, other, form, action: `/applications/${row.id}/documents`, receiptHref: `/applications/${row.id}/receipt.pdf`, maxMb, maxFiles, closed: !service.takesDocuments(row) });
  };
}
