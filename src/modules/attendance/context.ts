import type { Deps } from '../../deps.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { AttendanceMarks, type AfterTotals } from './marks.js';
import { AttendanceRepository } from './repository.js';

/** What every part of attendance is built with, once, in module.ts. */
export interface AttendanceContext {
  deps: Deps;
  audit: AuditLog;
  /** PRV-1: which schools' students a staff member may see (the roll's scope: attendance is kept on the roll). */
  scope: RollScope;
  /** The one writer of marks (ATT-1, ATT-7). */
  marks: AttendanceMarks;
  /** Reads shared by the parts (a section, its roster on a day, the bell schedule). */
  repo: AttendanceRepository;
}

export const attendanceContext = (deps: Deps, audit: AuditLog, scope: RollScope, afterTotals: AfterTotals[]): AttendanceContext => ({
  deps,
  audit,
  scope,
  marks: new AttendanceMarks(deps.dialect, afterTotals),
  repo: new AttendanceRepository(deps.db),
});
