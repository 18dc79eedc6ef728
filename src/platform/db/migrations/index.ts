import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_staff_and_queue.js';
import * as m0003 from './0003_decisions.js';
import * as m0004 from './0004_idempotency.js';
import * as m0005 from './0005_outbox_by_application.js';
import * as m0006 from './0006_permit_kinds.js';
import * as m0007 from './0007_student_name_keys.js';
import * as m0008 from './0008_queue_by_birth_date.js';
import * as m0009 from './0009_sliding_rate_limits.js';
import * as m0010 from './0010_audit_refusals.js';
import * as m0011 from './0011_documents_by_storage_key.js';
import * as m0012 from './0012_student_name_words.js';
import * as m0013 from './0013_outbox_priority.js';
import * as m0014 from './0014_enrollments.js';
import * as m0015 from './0015_roll_records.js';
import * as m0016 from './0016_roll_notices.js';
import * as m0017 from './0017_link_attempts.js';
import * as m0018 from './0018_student_sources.js';
import * as m0019 from './0019_attendance.js';
import * as m0020 from './0020_attendance_write_path.js';

/** Every migration, in order. Add new ones here; both dialects run the same set. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_staff_and_queue': m0002,
  '0003_decisions': m0003,
  '0004_idempotency': m0004,
  '0005_outbox_by_application': m0005,
  '0006_permit_kinds': m0006,
  '0007_student_name_keys': m0007,
  '0008_queue_by_birth_date': m0008,
  '0009_sliding_rate_limits': m0009,
  '0010_audit_refusals': m0010,
  '0011_documents_by_storage_key': m0011,
  '0012_student_name_words': m0012,
  '0013_outbox_priority': m0013,
  '0014_enrollments': m0014,
  '0015_roll_records': m0015,
  '0016_roll_notices': m0016,
  '0017_link_attempts': m0017,
  '0018_student_sources': m0018,
  '0019_attendance': m0019,
  '0020_attendance_write_path': m0020,
};
