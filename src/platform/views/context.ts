import type { Translator } from '../i18n/translator.js';
import type { SessionStaff, SessionUser } from '../http/sessions.js';

/** What every page needs to know about the request it answers. */
export interface PageContext {
  i18n: Translator;
  t: Translator['t'];
  lang: string;
  languages: { code: string; name: string }[];
  csrfToken: string;
  user: SessionUser | null;
  staff: SessionStaff | null;
  /** The current path with its query, for the language switch to come back to. */
  path: string;
  /** Set when a training clock runs: the moment the system believes it is, written out for the banner. */
  trainingClock?: string | null;
  flash?: { type: 'success' | 'info' | 'warning'; messageKey: string; params?: Record<string, string> } | null;
}

/** The state of a form being shown again: what was typed and what is wrong (message keys). */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, { key: string; params?: Record<string, string | number> }>;
}

export const emptyForm = (values: Record<string, string> = {}): FormState => ({ values, errors: {} });
