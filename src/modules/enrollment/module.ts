import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';

/**
 * A school's roll (issue 15): enrollments from the first day in a seat to an exit with its code.
 * Its core is in place — the one owner of the roll's writes (`roll.ts`) and its reads
 * (`repository.ts`); its pages, sections and steps come with the next points of the issue, built
 * here once from the wiring.
 */
export function enrollmentModule(_deps: Deps): ModuleDeclaration {
  return { name: 'enrollment' };
}
