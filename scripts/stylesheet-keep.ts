/**
 * The USWDS classes the stylesheet keeps although no source file writes them out whole: those
 * USWDS's script adds to the components we use (the file input's parts and states, is- and has-
 * states, the screen-reader class) and those our views put together from parts
 * (`usa-alert--${kind}`). Read by scripts/build-assets.ts; test/assets.test.ts checks that every
 * class a view puts together at run time starts with one of these.
 */
export const KEPT_BY_PREFIX: RegExp[] = [
  /^usa-file-input/, /^usa-alert/, /^usa-button/, /^usa-input/, /^usa-form/, /^usa-error/, /^usa-sr-only/, /^is-/, /^has-/, /^usa-js-/,
  /^usa-tag/, /^usa-summary-box/, /^usa-checkbox/, /^usa-radio/, /^usa-select/, /^usa-hint/,
];
