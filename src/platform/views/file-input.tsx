import { assetHref } from '../http/built-assets.js';
import type { PageContext } from './context.js';

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
