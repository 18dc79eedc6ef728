import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { attendanceContext } from './context.js';

/**
 * Attendance (issue 16): a school's sections and bell schedule, every period taken in its first
 * fifteen minutes, every absence explained, caps, chronic absence and truancy acted on — kept on
 * the school's roll. Built here once from the wiring.
 */
export function attendanceModule(deps: Deps, built: { audit: AuditLog; rollScope: RollScope }): ModuleDeclaration {
  const ctx = attendanceContext(deps, built.audit, built.rollScope, []);
  void ctx;
  return {
    name: 'attendance',
    routes: async (app) => {
      void app;
    },
    sections: { studentPage: [] },
    steps: [],
    reports: [],
  };
}
