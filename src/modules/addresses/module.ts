import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import { addressRoutes } from './routes.js';

/** Address ranges (STU-2): the staff import and the look-up. */
export const addressesModule = (deps: Deps, built: { audit: AuditLog }): ModuleDeclaration => ({ name: 'addresses', routes: (app) => addressRoutes(app, deps, built.audit) });
