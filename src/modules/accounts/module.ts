import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { accountRoutes } from './routes.js';

/** Parents' accounts: registration, activation, sign-in, passwords, language. */
export const accountsModule = (deps: Deps): ModuleDeclaration => ({ name: 'accounts', routes: (app) => accountRoutes(app, deps) });
