import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { studentRoutes } from './routes.js';

/** A parent's students and their moves (DEC-13). */
export const studentsModule = (deps: Deps): ModuleDeclaration => ({ name: 'students', routes: (app) => studentRoutes(app, deps) });
