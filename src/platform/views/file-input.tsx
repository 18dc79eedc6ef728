import type { ComponentChildren } from 'preact';
import { assetHref } from '../http/built-assets.js';
import type { PageContext } from './context.js';
import { ErrorMessage } from './error-message.js';
import { fieldId } from './forms.js';

type ErrorShown = { key: string; params?: Record<string, string | number> } | null;

/**
 * USWDS's file-input script writes its own words in English ("Drag files here or choose from
 * folder", "No files selected.", "Change file"…). It reads only its error from the input
 * (`data-errormessage`); the others are put on the input here, in the page's language, and
 * public/file-input-words.js writes them in place of USWDS's each time USWDS writes (LNG-1).
 * Counted words go as their plural forms with `{count}` and `{names}` left for the script; a
 * field that takes one file (`multiple` false) invites one file.
 */
export function fileInputWords(ctx: PageContext, multiple = true): Record<string, string> {
  const { t } = ctx;
  const k = 'common.fileInput';
  return {
    'data-file-words': ctx.lang,
    'data-errormessage': t(`${k}.invalid`),
    'data-file-drag': t(multiple ? `${k}.drag` : `${k}.dragOne`),
    'data-file-choose': t(multiple ? `${k}.choose` : `${k}.chooseOne`),
    'data-file-choose-alone': t(multiple ? `${k}.chooseAlone` : `${k}.chooseAloneOne`),
    'data-file-none': t(`${k}.none`),
    'data-file-selected-one': t(`${k}.selected.one`),
    'data-file-selected-other': t(`${k}.selected.other`),
    'data-file-change-one': t(`${k}.change.one`),
    'data-file-change-other': t(`${k}.change.other`),
    'data-file-status-one': t(`${k}.status.one`),
    'data-file-status-other': t(`${k}.status.other`),
  };
}

/**
 * The script, once per form with file inputs, deferred, under its fingerprinted name: it runs
 * when the page is read, whatever the order of USWDS's (it watches the fields). Given with the
 * form rather than by the Layout, so every page that shows an upload form gets it with the form.
 */
export function FileInputWordsScript() {
  return <script src={assetHref('/assets/file-input-words.js')} defer></script>;
}

/**
 * A form group for one file (a withdrawal's document, the photo of an absence's note): its label,
 * hint and error, each tied to the input for a screen reader, and the file field's words in the
 * page's language. `label` may carry more than words (an "optional" mark).
 */
export function OneFileField({ ctx, name, label, hint, error, accept }: { ctx: PageContext; name: string; label: ComponentChildren; hint: string; error?: ErrorShown; accept: string }) {
  const id = fieldId(name);
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class="usa-label" id={`${id}-label`} for={id}>{label}</label>
      <div class="usa-hint" id={`${id}-hint`}>{hint}</div>
      <ErrorMessage ctx={ctx} id={`${id}-error`} error={error} />
      <input
        class="usa-file-input"
        id={id}
        name={name}
        type="file"
        accept={accept}
        aria-labelledby={`${id}-label`}
        aria-describedby={[`${id}-hint`, error ? `${id}-error` : ''].filter(Boolean).join(' ')}
        {...fileInputWords(ctx, false)}
      />
    </div>
  );
}
