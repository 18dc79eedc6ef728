import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { homeRoutes } from './routes.js';

/** The start page. */
export const homeModule = (deps: Deps): ModuleDeclaration => ({ name: 'home', routes: (app) => homeRoutes(app, deps) });
