import { Fragment, h, type VNode } from 'preact';
import type { Deps } from '../../deps.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { FormState, PageContext } from '../../platform/views/context.js';
import { PermitLifeService } from './service.js';
import { ParentPermitLifeSection } from './views/parent-section.js';
import { PermitLifeStaffSection } from './views/staff-section.js';

/** The permit-life parts of pages owned by other modules (no routes here, so no import cycle with them). */

export type Section = ((ctx: PageContext) => VNode | null) | null;

/** Several page sections shown one after the other, as one section. */
export function combineSections(...sections: Section[]): Section {
  const present = sections.filter((s): s is NonNullable<Section> => s !== null);
  if (present.length === 0) return null;
  return (ctx) => h(Fragment, null, ...present.map((s) => s(ctx)));
}

/**
 * The parent's view of a permit's life, for the application page (and any page of the parent's):
 * provisional enrollment (DEC-12), the permit's years and its renewal (DEC-11). `level`: 2 as a
 * part of a page, 4 inside a box headed by an h3 (the student's page).
 */
export async function permitLifeSection(deps: Deps, application: ApplicationsTable, level: 2 | 4 = 2): Promise<Section> {
  const state = await new PermitLifeService(deps).parentState(application);
  if (!state.provisional && !state.permit) return null;
  return (ctx) => ParentPermitLifeSection({ ctx, state, level });
}

/**
 * The staff request page's section (DEC-12 provisional enrollment, DEC-14 review history).
 * `form`: the first-day form shown again with its problem and what was typed.
 */
export async function permitLifeStaffSection(deps: Deps, staff: SessionStaff, application: ApplicationsTable, form?: FormState): Promise<Section> {
  const state = await new PermitLifeService(deps).staffState(staff, application);
  return (ctx) => PermitLifeStaffSection({ ctx, state, form });
}

