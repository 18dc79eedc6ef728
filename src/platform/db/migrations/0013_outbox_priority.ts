import { Kysely } from 'kysely';

/**
 * Mail in order of who is waiting for it (docs/adr/0021): a priority per outbox row, set from the
 * message's kind when it is written (0 a person waits for it now: activation, reset, confirmation,
 * invitation; 1 the rest; 2 bulk: reminders, renewals, notices to schools), and an index that
 * serves the sender's claim — pending rows by priority, then by the time they fell due — on both
 * databases, without a sort.
 *
 * It replaces outbox_due (status, next_attempt_at): beside it, SQLite's planner chose that one for
 * the due list (two constrained columns) and sorted every due row to take the first few, which in a
 * rush is thousands per claim. What outbox_due served still has its status prefix here: the
 * leases that ran out ('sending'), the hand-overs to settle ('committing'), counts by status.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('priority', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  const unsent = ['pending', 'sending', 'committing'];
  await db.updateTable('outbox').set({ priority: 0 }).where('status', 'in', unsent).where('template', 'in', URGENT_AT_MIGRATION).execute();
  await db.updateTable('outbox').set({ priority: 2 }).where('status', 'in', unsent).where('template', 'in', BULK_AT_MIGRATION).execute();
  await db.schema.createIndex('outbox_claim').on('outbox').columns(['status', 'priority', 'next_attempt_at']).execute();
  await db.schema.dropIndex('outbox_due').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.dropIndex('outbox_claim').execute();
  await db.schema.alterTable('outbox').dropColumn('priority').execute();
}

// The kinds as they were when this migration was written (src/platform/mail/priority.ts decides
// for new rows); a migration does not change when that list does.
const URGENT_AT_MIGRATION = [
  'accounts.emails.activation',
  'accounts.emails.alreadyRegistered',
  'accounts.emails.reset',
  'applications.emails.submitted',
  'applications.emails.intraSubmitted',
  'applications.emails.outgoingSubmitted',
  'team.email.invite',
];
const BULK_AT_MIGRATION = ['decisions.email.staffReminder', 'permit-life.email.schoolWarning', 'permit-life.email.schoolEnded', 'permit-life.email.provisionalWarning'];
