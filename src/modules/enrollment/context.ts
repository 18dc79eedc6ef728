import type { FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { Section } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { EnrollmentRepository } from './repository.js';
import { Roll } from './roll.js';

/** What every part of the roll is built with, once, in module.ts. */
export interface RollContext {
  deps: Deps;
  audit: AuditLog;
  /** PRV-1: which schools' roll a staff member may see. */
  scope: RollScope;
  roll: Roll;
  repo: EnrollmentRepository;
}

export const rollContext = (deps: Deps, audit: AuditLog, scope: RollScope): RollContext => ({ deps, audit, scope, roll: new Roll(deps), repo: new EnrollmentRepository(deps.db) });

/**
 * A part of the office's page of one student on the roll (/staff/roll/students/:id), below the
 * enrollment history: the emergency contacts, the contact log, investigations, linking to a
 * family. The page has already checked the student is in the staff member's scope and audited
 * the read; a section reads its own rows.
 */
export type RecordSection = (req: FastifyRequest, staff: SessionStaff, studentId: string) => Promise<Section>;
