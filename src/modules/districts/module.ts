import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { districtRoutes } from './routes.js';

/** The districts' public pages (their guidelines and windows). */
export const districtsModule = (deps: Deps): ModuleDeclaration => ({ name: 'districts', routes: (app) => districtRoutes(app, deps) });
