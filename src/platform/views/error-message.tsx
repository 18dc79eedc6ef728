import type { PageContext } from './context.js';

/**
 * A field's error message (GOV.UK's pattern): "Error:" for a screen reader, then what is wrong
 * and how to fix it. `id` is the one the field's aria-describedby names. Nothing when no error.
 */
export function ErrorMessage({ ctx, id, error }: { ctx: PageContext; id: string; error?: { key: string; params?: Record<string, string | number> } | null }) {
  if (!error) return null;
  return (
    <span class="usa-error-message" id={id}>
      <span class="usa-sr-only">{ctx.t('common.errorPrefix')} </span>
      {ctx.t(error.key, error.params)}
    </span>
  );
}
