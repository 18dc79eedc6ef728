import type { PageContext } from '../../../platform/views/context.js';

export interface SentMessage {
  id: string;
  subject: string;
  created_at: string;
}

/**
 * The emails a family was sent, under their heading: each subject with when it was sent — a link
 * to read it on the account's own pages (`linked`), plain text on the public status page.
 */
export function SentMessages({ ctx, heading, empty, messages, when, linked = true }: { ctx: PageContext; heading: string; empty: string; messages: SentMessage[]; when: (at: string) => string; linked?: boolean }) {
  return (
    <>
      <h2>{heading}</h2>
      {messages.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <ul class="usa-list">
          {messages.map((m) => (
            <li key={m.id}>
              {linked ? <a class="usa-link" href={`/account/messages/${m.id}`}>{m.subject}</a> : m.subject} — {when(m.created_at)}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
