import type { ApplicationsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { RequestPageForms, Section } from '../../platform/modules.js';
import type { FormState } from '../../platform/views/context.js';
import type { PermitLifeService } from './service.js';
import { ParentPermitLifeSection } from './views/parent-section.js';
import { PermitLifeStaffSection } from './views/staff-section.js';

/** The permit-life parts of pages owned by other modules, registered in the module's declaration (permit-life/module.ts). */
export function permitLifeSections(service: PermitLifeService) {
  /**
   * The parent's view of a permit's life: provisional enrollment (DEC-12), the permit's years and
   * its renewal (DEC-11). `level`: 2 as a part of a page (the application page), 4 inside a box
   * headed by an h3 (the student's page).
   */
  const parent = async (application: ApplicationsTable, level: 2 | 4): Promise<Section> => {
    const state = await service.parentState(application);
    if (!state.provisional && !state.permit) return null;
    return (ctx) => ParentPermitLifeSection({ ctx, state, level });
  };
  return {
    applicationPage: (application: ApplicationsTable) => parent(application, 2),
    studentStory: (application: ApplicationsTable) => parent(application, 4),
    /**
     * The staff request page's section (DEC-12 provisional enrollment, DEC-14 review history).
     * `forms['permit-life']`: the first-day form shown again with its problem and what was typed.
     */
    async staffRequestPage(staff: SessionStaff, application: ApplicationsTable, forms: RequestPageForms): Promise<Section> {
      const state = await service.staffState(staff, application);
      const form = forms['permit-life'] as FormState | undefined;
      return (ctx) => PermitLifeStaffSection({ ctx, state, form });
    },
  };
}
