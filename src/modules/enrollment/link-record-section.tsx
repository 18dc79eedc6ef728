import type { RecordSection } from './context.js';
import type { Linking } from './linking.js';
import { LinkSection } from './views/link-section.js';

/** PRV-1 on the office's page of one student: the family account linked or not, and the way to link or unlink it. */
export const linkRecordSection = (service: Linking): RecordSection => async (_req, staff, studentId) => {
  const r = await service.status(staff, studentId);
  if (!r.ok) return null;
  const canLink = service.canLink(staff);
  return (ctx) => <LinkSection ctx={ctx} status={r.value} canLink={canLink} />;
};
