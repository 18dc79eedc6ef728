import { describe, expect, it } from 'vitest';
import { orderErrorSummaries } from './forms.js';

const summary = (...names: string[]) =>
  `<div class="usa-alert" role="alert" id="error-summary"><div class="usa-alert__body"><h2>There is a problem</h2><ul class="usa-list">${names
    .map((n) => `<li><a href="#field-${n}">Fix ${n}</a></li>`)
    .join('')}</ul></div></div>`;
const links = (html: string) => [...html.matchAll(/href="#field-([^"]*)"/g)].map((m) => m[1]);

describe('the error summary follows the form', () => {
  it('lists its links in the order the fields stand on the page, whatever order the errors were found in', () => {
    const page = `${summary('zip', 'first_name', 'dob')}<form><input id="field-first_name"><fieldset id="field-dob"></fieldset><input id="field-zip"></form>`;
    expect(links(orderErrorSummaries(page))).toEqual(['first_name', 'dob', 'zip']);
  });

  it('puts a link whose field is not on the page last, and leaves a page without a summary as it is', () => {
    const page = `${summary('gone', 'b', 'a')}<span id="field-a-error"></span><input id="field-a"><input id="field-b">`;
    expect(links(orderErrorSummaries(page))).toEqual(['a', 'b', 'gone']);
    const plain = '<main><input id="field-b"><input id="field-a"></main>';
    expect(orderErrorSummaries(plain)).toBe(plain);
  });
});
