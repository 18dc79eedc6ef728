import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { homeRoutes } from './home/routes.js';
import { districtRoutes } from './districts/routes.js';
import { applicationRoutes } from './applications/routes.js';
import { accountRoutes } from './accounts/routes.js';
import { studentRoutes } from './students/routes.js';
import { documentsModule } from './documents/routes.js';
import { staffRoutes } from './staff/routes.js';
import { decisionRoutes, decisionSection } from './decisions/routes.js';
import { withdrawnRecords } from './decisions/withdrawn.js';
import { addressRoutes } from './addresses/routes.js';
import { combineSections, permitLifeRoutes, permitLifeSection } from './permit-life/routes.js';

/** Each domain module registers its own routes with the services it needs. */
export async function registerModules(app: FastifyInstance, deps: Deps): Promise<void> {
  await homeRoutes(app, deps);
  await districtRoutes(app, deps);
  await accountRoutes(app, deps);
  await studentRoutes(app, deps);
  const documents = documentsModule(app, deps);
  await applicationRoutes(app, deps, { documentsSection: documents.documentsSection, decisionSection: async (a) => combineSections(await decisionSection(deps, a), await permitLifeSection(deps, a)), withdrawn: withdrawnRecords(deps.db) });
  await staffRoutes(app, deps);
  await decisionRoutes(app, deps);
  await addressRoutes(app, deps);
  await permitLifeRoutes(app, deps);
}
