import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { rollContext, type RecordSection } from './context.js';

/**
 * A school's roll (issue 15): enrollments from the first day in a seat to an exit with its code,
 * its document and its due diligence. Built here once from the wiring: the office's pages, the
 * parent's, the background steps and the reports.
 */
export function enrollmentModule(deps: Deps, built: { audit: AuditLog; rollScope: RollScope }): ModuleDeclaration {
  const ctx = rollContext(deps, built.audit, built.rollScope);
  /** The sections of the office's page of one student, in this order. */
  const recordSections: RecordSection[] = [];
  void recordSections;
  void ctx;
  return {
    name: 'enrollment',
  };
}
