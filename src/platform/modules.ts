import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Fragment, h, type VNode } from 'preact';
import type { ApplicationsTable, DecisionsTable, PermitsTable, StudentsTable } from './db/schema.js';
import type { SessionStaff } from './http/sessions.js';
import type { BackgroundStep } from './ops/runner.js';
import type { PageContext } from './views/context.js';

/**
 * What a domain module contributes to the app (issue 14): each module exports one declaration,
 * built once from the wiring, and src/modules/index.ts assembles them — it registers the routes,
 * hands the sections to the pages that show them and the steps to the background runner. A new
 * domain plugs in by adding its declaration there; its neighbours do not change.
 */
export interface ModuleDeclaration {
  name: string;
  /** Registers the module's routes, given the pages assembled at the top (a lower module never imports a higher one to show its page). */
  routes?: (app: FastifyInstance, pages: Pages) => Promise<void>;
  /** Parts of pages other modules own, shown in the order the modules are assembled. */
  sections?: {
    /** The parent's application page (/applications/:id): its documents place or its decision place. */
    applicationPage?: ApplicationPageSection[];
    /** One request's box on the parent's student page (/students/:id). */
    studentStory?: StorySection[];
    /** The staff request page (/staff/requests/:id), below the request itself. */
    staffRequestPage?: StaffRequestSection[];
    /** The parent's student page (/students/:id) as a whole, not one request's box: e.g. the student's school and emergency contacts. */
    studentPage?: StudentPageSection[];
    /** The office's page of one student on the roll (/staff/roll/students/:id), below the roll's own parts: e.g. the student's attendance. */
    rollStudentPage?: RollStudentSection[];
  };
  /** Background steps, each idempotent and safe across instances. */
  steps?: BackgroundStep[];
  /** Reports the module serves from its own routes, listed for the staff on /staff/reports. */
  reports?: ReportDeclaration[];
}

/**
 * A report a module serves (a CSV download or a page), as the staff's list of reports shows it.
 * Listing is not authorizing: the module's route checks who may open it, as every route does;
 * `openedBy` only keeps off the list what the route would refuse.
 */
export interface ReportDeclaration {
  /** Unique among every module's reports, e.g. 'queue-csv'. */
  id: string;
  /** Catalog keys of its title and of one sentence saying what it holds. */
  titleKey: string;
  descriptionKey: string;
  /** Where the module serves it. */
  path: string;
  format: 'csv' | 'page';
  /** Whether this staff member may open it, by the declaring module's role rules. */
  openedBy: (staff: SessionStaff) => boolean;
}

/** A part of a page owned by another module: rendered with the page's context, or nothing. */
export type Section = ((ctx: PageContext) => VNode | null) | null;

/** Several page sections shown one after the other, as one section. */
export function combineSections(...sections: Section[]): Section {
  const present = sections.filter((s): s is NonNullable<Section> => s !== null);
  if (present.length === 0) return null;
  return (ctx) => h(Fragment, null, ...present.map((s) => s(ctx)));
}

export interface ApplicationPageSection {
  place: 'documents' | 'decision';
  load: (req: FastifyRequest, application: ApplicationsTable) => Promise<Section>;
}

/** What the student page already read of one request, handed to its sections (no query of their own). */
export interface StoryRequestFacts {
  application: ApplicationsTable;
  /** Its decisions, oldest first. */
  decisions: DecisionsTable[];
  permit: PermitsTable | null;
}
export type StorySection = (request: StoryRequestFacts) => Promise<Section>;

/**
 * A part of the parent's student page about the student as a whole (issue 15: the school the
 * student is enrolled at, the enrollment history, the emergency contacts). The page has already
 * checked that the student is the signed-in parent's (students.account_id, PRV-1).
 */
export type StudentPageSection = (req: FastifyRequest, student: StudentsTable) => Promise<Section>;

/**
 * A part of the office's page of one student on the roll (issue 16: the student's attendance,
 * from the attendance module above the roll's). The page has checked that the student is on a
 * roll the staff member may read (RollScope) and audited the read; a section checks what its own
 * module allows this staff member (a teacher reads attendance only of their sections' students).
 */
export type RollStudentSection = (req: FastifyRequest, staff: SessionStaff, studentId: string) => Promise<Section>;

/**
 * Forms of the staff request page shown again with what was typed and their problems, by the
 * module that owns them ('decisions', 'permit-life', 'staff'): each section reads its own.
 */
export type RequestPageForms = Partial<Record<string, unknown>>;
export type StaffRequestSection = (staff: SessionStaff, application: ApplicationsTable, forms: RequestPageForms) => Promise<Section>;

export interface StaffRequestPageOptions {
  forms?: RequestPageForms;
  status?: number;
  alert?: { key: string; params?: Record<string, string | number> };
}
/** Shows the staff request page (404 outside the staff member's scope, PRV-1), e.g. again with a refused form. */
export type ShowStaffRequestPage = (req: FastifyRequest, reply: FastifyReply, staff: SessionStaff, id: string, opts?: StaffRequestPageOptions) => Promise<unknown>;

/** The pages assembled at the top from the registered sections, handed to every module's routes. */
export interface Pages {
  staffRequest: ShowStaffRequestPage;
  /** The parent's application page's sections, by place. */
  applicationSections: (req: FastifyRequest, application: ApplicationsTable) => Promise<Record<ApplicationPageSection['place'], Section>>;
  /** One request's sections on the student page, in order. */
  storySections: (request: StoryRequestFacts) => Promise<Section>;
  /** The student page's own sections (the student as a whole), in order. */
  studentSections: (req: FastifyRequest, student: StudentsTable) => Promise<Section>;
  /** The sections other modules add to the office's page of one student on the roll, in order. */
  rollStudentSections: RollStudentSection;
  /** Every module's reports, in the order of the modules. */
  reports: ReportDeclaration[];
}
