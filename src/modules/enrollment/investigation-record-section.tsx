import type { RecordSection } from './context.js';
import type { Investigations } from './investigations.js';
import { InvestigationSection } from './views/investigation-section.js';

/** ENR-6 on the office's page of one student: the student's investigations (the office only; a teacher sees none). */
export const investigationRecordSection = (service: Investigations, schoolName: (id: string) => string): RecordSection => async (_req, staff, studentId) => {
  if (!service.canInvestigate(staff)) return null;
  const [rows, openable] = await Promise.all([service.ofStudent(staff, studentId), service.openable(staff, studentId)]);
  return (ctx) => <InvestigationSection ctx={ctx} rows={rows} openable={openable} schoolName={schoolName} />;
};
