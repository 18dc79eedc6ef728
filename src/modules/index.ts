import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.js';
import { combineSections, type ModuleDeclaration, type Pages, type ReportDeclaration, type Section } from '../platform/modules.js';
import { BackgroundRunner, type BackgroundStep } from '../platform/ops/runner.js';
import { AuditLog } from './access/audit-log.js';
import { RequestScope } from './access/request-scope.js';
import { RollScope } from './access/roll-scope.js';
import { homeModule } from './home/module.js';
import { districtsModule } from './districts/module.js';
import { accountsModule } from './accounts/module.js';
import { studentsModule } from './students/module.js';
import { documentsModule } from './documents/module.js';
import { applicationsModule } from './applications/module.js';
import { staffModule } from './staff/module.js';
import { decisionsModule } from './decisions/module.js';
import { withdrawnRecords } from './decisions/withdrawn.js';
import { carriedDocuments } from './documents/carried.js';
import { Handoff } from './applications/handoff.js';
import { addressesModule } from './addresses/module.js';
import { permitLifeModule } from './permit-life/module.js';
import { enrollmentModule } from './enrollment/module.js';
import { FromPermit } from './enrollment/from-permit.js';
import type { RollFirstDay } from './permit-life/roll-first-day.js';
import { attendanceModule } from './attendance/module.js';
import { firstPresentDay } from './attendance/first-present.js';
import { attendanceRecordOf } from './attendance/record.js';
import { staffRequestPage } from './staff/request-page.js';
import { RequestViews } from './staff/request-view.js';

/**
 * The one place that assembles the modules (issue 14). Each module's declaration is built once
 * from the wiring, with what is shared (the audit log, the scope of a request); a new domain
 * plugs in by adding its declaration here. The order is the order of routes, of sections on a
 * page and of background steps.
 */
export interface DeclaredModules {
  modules: ModuleDeclaration[];
  audit: AuditLog;
  scope: RequestScope;
  /** One request as the permit office sees it: the staff request page and the document review read it. */
  views: RequestViews;
}

export function declareModules(deps: Deps): DeclaredModules {
  const audit = new AuditLog(deps.db, deps.clock, deps.writer);
  const scope = new RequestScope(deps.db);
  /** The hand-off of a release to the receiving district (DEC-5, DEC-19): a parent's release and a release's approval use the one. */
  const handoff = new Handoff(deps, carriedDocuments(deps.db));
  const views = new RequestViews(deps, scope);
  /** ENR-7: what a permit's life tells a school's roll (the enrollment module's), handed to decisions, permit-life and students below it. */
  const fromPermit = new FromPermit(deps);
  /** PRV-1 on a school's roll: the schools a staff member may see, shared by the roll and attendance. */
  const rollScope = new RollScope(deps.db);
  /** DEC-12 (issue 16 point 10): a provisional enrollment starts on the first present mark, else on the roll's first day. */
  const provisionalFirstDay: RollFirstDay = async (q, at) => {
    const present = await firstPresentDay(q, at);
    return present ? { day: present, status: 'active' } : fromPermit.firstDay(q, at);
  };
  const modules = [
    homeModule(deps),
    districtsModule(deps),
    accountsModule(deps),
    studentsModule(deps, { movedOut: (trx, move) => fromPermit.endedByMove(trx, move) }),
    documentsModule(deps),
    applicationsModule(deps, { withdrawn: withdrawnRecords(deps.db), handoff }),
    staffModule(deps, { audit, scope, views }),
    decisionsModule(deps, { audit, scope, handoff, roll: fromPermit.roll, attendanceRecord: (q, at) => attendanceRecordOf(q, deps.districts, at) }),
    addressesModule(deps, { audit }),
    permitLifeModule(deps, { audit, scope, firstDay: provisionalFirstDay }),
    enrollmentModule(deps, { audit, rollScope }),
    attendanceModule(deps, { audit, rollScope, scope }),
  ];
  return { modules, audit, scope, views };
}

/** Registers every module's routes, handing them the pages built from every module's sections. */
export async function registerModules(app: FastifyInstance, deps: Deps, declared: DeclaredModules = declareModules(deps)): Promise<void> {
  const { modules, audit, views } = declared;
  const applicationPage = modules.flatMap((m) => m.sections?.applicationPage ?? []);
  const studentStory = modules.flatMap((m) => m.sections?.studentStory ?? []);
  const staffRequest = modules.flatMap((m) => m.sections?.staffRequestPage ?? []);
  const studentPage = modules.flatMap((m) => m.sections?.studentPage ?? []);
  const rollStudentPage = modules.flatMap((m) => m.sections?.rollStudentPage ?? []);
  const pages: Pages = {
    staffRequest: staffRequestPage(deps, { audit, views }, staffRequest),
    async applicationSections(req, application) {
      const shown: Record<'documents' | 'decision', Section[]> = { documents: [], decision: [] };
      for (const s of applicationPage) shown[s.place].push(await s.load(req, application));
      return { documents: combineSections(...shown.documents), decision: combineSections(...shown.decision) };
    },
    async storySections(request) {
      const shown: Section[] = [];
      for (const s of studentStory) shown.push(await s(request));
      return combineSections(...shown);
    },
    async studentSections(req, student) {
      const shown: Section[] = [];
      for (const s of studentPage) shown.push(await s(req, student));
      return combineSections(...shown);
    },
    async rollStudentSections(req, staff, studentId) {
      const shown: Section[] = [];
      for (const s of rollStudentPage) shown.push(await s(req, staff, studentId));
      return combineSections(...shown);
    },
    reports: collectReports(modules),
  };
  for (const m of modules) await m.routes?.(app, pages);
}

/** Every module's reports, in the order of the modules; two with one id are a mistake in the declarations. */
export function collectReports(modules: ModuleDeclaration[]): ReportDeclaration[] {
  const reports = modules.flatMap((m) => m.reports ?? []);
  const seen = new Set<string>();
  for (const r of reports) {
    if (seen.has(r.id)) throw new Error(`Two reports are declared with the id "${r.id}"`);
    seen.add(r.id);
  }
  return reports;
}

/** The registered background steps of one run ('deadlines' or 'files'), in the order of the modules. */
export function backgroundSteps(declared: DeclaredModules, run: BackgroundStep['run']): BackgroundStep[] {
  return declared.modules.flatMap((m) => m.steps ?? []).filter((s) => s.run === run);
}

/** A runner of one run's registered steps: the server repeats it, the CLI runs it once. */
export const backgroundRunner = (deps: Deps, run: BackgroundStep['run'], declared: DeclaredModules = declareModules(deps)): BackgroundRunner =>
  new BackgroundRunner(backgroundSteps(declared, run), deps.clock);
