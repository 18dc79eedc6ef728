import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { StorageJanitor } from './janitor.js';
import { PublicLookup } from './lookup.js';
import { documentRoutes } from './routes.js';
import { documentsSection } from './sections.js';
import { DocumentsService } from './service.js';

/**
 * Documents (DOC-*): the parent's uploads and the public look-up, the documents section of the
 * parent's application page, and the clean-up of the file store (PRV-3, DOC-6). Built once.
 */
export function documentsModule(deps: Deps): ModuleDeclaration {
  const service = new DocumentsService(deps);
  const lookup = new PublicLookup(deps);
  const janitor = new StorageJanitor(deps);
  return {
    name: 'documents',
    routes: async (app) => documentRoutes(app, deps, { service, lookup }),
    sections: { applicationPage: [{ place: 'documents', load: documentsSection(deps, service) }] },
    steps: [{ name: 'storage-janitor', run: 'files', step: async () => ({ ...(await janitor.runOnce()) }) }],
  };
}
