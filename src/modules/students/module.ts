import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import { studentRoutes } from './routes.js';
import type { OnMoveEndsPermits } from './move-hooks.js';

/** A parent's students and their moves (DEC-13); `built.movedOut`: what a move that ends permits tells the school's roll. */
export const studentsModule = (deps: Deps, built: { movedOut?: OnMoveEndsPermits } = {}): ModuleDeclaration => ({ name: 'students', routes: (app) => studentRoutes(app, deps, built) });
