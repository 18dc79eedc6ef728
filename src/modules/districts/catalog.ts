import type { Db } from '../../platform/db/kysely.js';
import type { AttendanceCodeConfig, AttendanceCodeUser, DistrictConfig, EnrollmentStatusConfig, EntryTypeConfig, ExitCodeConfig, PermitKind, ReasonConfig, SchoolConfig } from './config-schema.js';

export const schoolId = (districtSlug: string, schoolCode: string): string => `${districtSlug}:${schoolCode}`;

/** The loaded district configurations, looked up by slug. District ids are their slugs. */
export class DistrictCatalog {
  private bySlug: Map<string, DistrictConfig>;
  constructor(public readonly all: DistrictConfig[]) {
    this.bySlug = new Map(all.map((d) => [d.slug, d]));
  }
  get(slug: string): DistrictConfig | undefined {
    return this.bySlug.get(slug);
  }
  school(district: DistrictConfig, code: string): SchoolConfig | undefined {
    return district.schools.find((s) => s.code === code);
  }
  /** A school by the id requests and permits store (`district:code`), in any hosted district. */
  schoolById(id: string | null | undefined): SchoolConfig | undefined {
    if (!id) return undefined;
    const [slug, code] = id.split(':');
    const district = this.bySlug.get(slug);
    return district && code ? this.school(district, code) : undefined;
  }
  reason(district: DistrictConfig, code: string, kind: PermitKind): ReasonConfig | undefined {
    return district.reasons.find((r) => r.code === code && r.kinds.includes(kind));
  }
  reasonsFor(district: DistrictConfig, kind: PermitKind): ReasonConfig[] {
    return district.reasons.filter((r) => r.kinds.includes(kind));
  }
  /** WDR-4: one of the district's entry types by its own code (`district.enrollmentCodes.entryTypes` lists them all). */
  entryType(district: DistrictConfig, code: string): EntryTypeConfig | undefined {
    return district.enrollmentCodes.entryTypes.find((c) => c.code === code);
  }
  /** WDR-4: one of the district's exit codes by its own code, with its required document (WDR-1) and due diligence (WDR-2). */
  exitCode(district: DistrictConfig, code: string): ExitCodeConfig | undefined {
    return district.enrollmentCodes.exitCodes.find((c) => c.code === code);
  }
  /** WDR-4: one of the district's enrollment statuses by its own code. */
  enrollmentStatus(district: DistrictConfig, code: string): EnrollmentStatusConfig | undefined {
    return district.enrollmentCodes.statuses.find((c) => c.code === code);
  }
  /** ATT-2: one of the district's attendance codes by its own code (`district.attendanceCodes.codes` lists them all). */
  attendanceCode(district: DistrictConfig, code: string): AttendanceCodeConfig | undefined {
    return district.attendanceCodes.codes.find((c) => c.code === code);
  }
  /** The attendance codes a teacher (on a roster) or the attendance office may mark, in the district's order. */
  attendanceCodesFor(district: DistrictConfig, user: AttendanceCodeUser): AttendanceCodeConfig[] {
    return district.attendanceCodes.codes.filter((c) => c.usedBy.includes(user));
  }
  /** Checklist for a request: the kind's common documents, then the reason's own. */
  checklist(district: DistrictConfig, kind: PermitKind, reasonCode: string): { code: string; required: boolean; label: DistrictConfig['documents'][number]['label']; description: DistrictConfig['documents'][number]['description'] }[] {
    const reason = this.reason(district, reasonCode, kind);
    const items = [...(district.commonDocuments[kind] ?? []), ...(reason?.documents ?? [])];
    const seen = new Set<string>();
    return items
      .filter((i) => (seen.has(i.code) ? false : (seen.add(i.code), true)))
      .map((i) => {
        const doc = district.documents.find((d) => d.code === i.code)!;
        // DEC-19: a bullying victim's or a military family's transfer needs no release: the district of residence cannot block it.
        const required = i.required && !(kind === 'incoming' && reason?.priority && i.code === 'release');
        return { code: i.code, required, label: doc.label, description: doc.description };
      });
  }
}

/** Mirrors districts and schools into the database so requests can reference them. */
export async function syncDistricts(db: Db, configs: DistrictConfig[], nowIso: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const d of configs) {
      const existing = await trx.selectFrom('districts').select('id').where('id', '=', d.slug).executeTakeFirst();
      if (existing) await trx.updateTable('districts').set({ name: d.name.en, updated_at: nowIso }).where('id', '=', d.slug).execute();
      else await trx.insertInto('districts').values({ id: d.slug, slug: d.slug, name: d.name.en, updated_at: nowIso }).execute();
      for (const s of d.schools) {
        const id = schoolId(d.slug, s.code);
        const values = { name: s.name, is_magnet: s.magnet ? 1 : 0, lowest_grade: s.lowestGrade, highest_grade: s.highestGrade };
        const found = await trx.selectFrom('schools').select('id').where('id', '=', id).executeTakeFirst();
        if (found) await trx.updateTable('schools').set(values).where('id', '=', id).execute();
        else await trx.insertInto('schools').values({ id, district_id: d.slug, code: s.code, ...values }).execute();
      }
    }
  });
}
