/**
 * In what order the outbox sender takes messages that are due at the same time (docs/adr/0021):
 * first those a person is waiting for now, at "check your email", then the rest, then bulk.
 * Lower goes first; the sender claims by priority, then by the time a message fell due.
 */
export const MailPriority = {
  /** Someone waits for it to go on: activation, password reset, a confirmation, an invitation. */
  urgent: 0,
  /** Decisions, requests for documents, moves, withdrawals: news, but nobody is stuck without it. */
  normal: 1,
  /** Reminders, renewals, notices a sweep sends to many at once. */
  bulk: 2,
} as const;
export type MailPriority = (typeof MailPriority)[keyof typeof MailPriority];

const URGENT = new Set([
  'accounts.emails.activation',
  'accounts.emails.alreadyRegistered', // the answer to a registration: the person is at "check your email"
  'accounts.emails.reset',
  'applications.emails.submitted',
  'applications.emails.intraSubmitted',
  'applications.emails.outgoingSubmitted',
  'team.email.invite',
]);

const BULK = new Set(['decisions.email.staffReminder', 'permit-life.email.schoolWarning', 'permit-life.email.schoolEnded', 'permit-life.email.provisionalWarning']);

/** The priority of a message of this kind (its catalog template); a kind not named here is normal. */
export function priorityOf(template: string): MailPriority {
  if (URGENT.has(template)) return MailPriority.urgent;
  if (BULK.has(template) || /reminder|renew/i.test(template)) return MailPriority.bulk;
  return MailPriority.normal;
}
