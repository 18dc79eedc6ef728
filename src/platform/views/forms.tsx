import { randomBytes } from 'node:crypto';
import type { ComponentChildren } from 'preact';
import type { FormState, PageContext } from './context.js';
import { ErrorMessage } from './error-message.js';

/** USWDS form components that show errors beside fields and keep what was typed. */

/**
 * The hidden fields of every form that changes something: the CSRF token, and a fresh
 * idempotency key, so that a double click or a retried post does the work once.
 */
export function CsrfField({ ctx }: { ctx: PageContext }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={ctx.csrfToken} />
      <input type="hidden" name="_idem" value={randomBytes(18).toString('base64url')} />
    </>
  );
}

/**
 * The GOV.UK error summary: a link to each field that is wrong. The links come in the order the
 * fields stand on the page (`orderErrorSummaries`, run on every rendered page), so no page keeps a
 * list of its fields beside them.
 */
export function ErrorSummary({ ctx, form }: { ctx: PageContext; form: FormState }) {
  const names = Object.keys(form.errors);
  if (names.length === 0) return null;
  return (
    <div class="usa-alert usa-alert--error app-error-summary" role="alert" tabIndex={-1} id="error-summary">
      <div class="usa-alert__body">
        <h2 class="usa-alert__heading">{ctx.t('common.errorSummaryHeading')}</h2>
        <ul class="usa-list">
          {names.map((name) => (
            <li key={name}>
              <a href={`#${fieldId(name)}`}>{ctx.t(form.errors[name].key, form.errors[name].params)}</a>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

const SUMMARY_LIST = /(<div[^>]* id="error-summary"[^>]*>[\s\S]*?<ul class="usa-list">)([\s\S]*?)(<\/ul>)/g;
const SUMMARY_ITEM = /<li><a href="#([^"]*)">[\s\S]*?<\/a><\/li>/g;

/**
 * Puts each error summary's links in the order their fields stand on the rendered page: by where
 * the element the link points to (`id="field-…"`) first comes after the summary. A link whose field
 * is not on the page goes last, in the order the errors were found.
 */
export function orderErrorSummaries(html: string): string {
  if (!html.includes(' id="error-summary"')) return html;
  return html.replace(SUMMARY_LIST, (whole, open: string, items: string, close: string, at: number) => {
    const found = [...items.matchAll(SUMMARY_ITEM)];
    if (found.length < 2) return whole;
    const after = at + whole.length;
    const place = (id: string) => {
      const i = html.indexOf(` id="${id}"`, after);
      return i === -1 ? Number.MAX_SAFE_INTEGER : i;
    };
    const sorted = found.map((m, i) => ({ item: m[0], place: place(m[1]), i })).sort((a, b) => a.place - b.place || a.i - b.i);
    return `${open}${sorted.map((x) => x.item).join('')}${close}`;
  });
}

export const fieldId = (name: string): string => `field-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;

interface FieldProps {
  ctx: PageContext;
  form: FormState;
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
}

function FieldError({ ctx, form, name }: { ctx: PageContext; form: FormState; name: string }) {
  return <ErrorMessage ctx={ctx} id={`${fieldId(name)}-error`} error={form.errors[name]} />;
}

/** A field's form group, marked when the field has an error. */
function FormGroup({ form, name, children }: { form: FormState; name: string; children: ComponentChildren }) {
  return <div class={`usa-form-group${form.errors[name] ? ' usa-form-group--error' : ''}`}>{children}</div>;
}

/** A field's hint (under the id its aria-describedby names) and its error, below the label or legend. */
function HintAndError({ ctx, form, name, hint, hintTag = 'div' }: Omit<FieldProps, 'label' | 'required'> & { hintTag?: 'div' | 'span' }) {
  const Hint = hintTag;
  return (
    <>
      {hint ? <Hint class="usa-hint" id={`${fieldId(name)}-hint`}>{hint}</Hint> : null}
      <FieldError ctx={ctx} form={form} name={name} />
    </>
  );
}

/** A labelled field's head: its label, hint and error. */
function FieldHead({ ctx, form, name, label, hint, required }: FieldProps) {
  return (
    <>
      <Label ctx={ctx} name={name} label={label} required={required} />
      <HintAndError ctx={ctx} form={form} name={name} hint={hint} />
    </>
  );
}

/** A fieldset's legend (the label, marked when required), then its hint and error. */
function LegendHead({ ctx, form, name, label, hint, required, hintTag }: FieldProps & { hintTag?: 'div' | 'span' }) {
  return (
    <>
      <legend class="usa-legend">
        {label}
        {required ? <RequiredMark ctx={ctx} /> : null}
      </legend>
      <HintAndError ctx={ctx} form={form} name={name} hint={hint} hintTag={hintTag} />
    </>
  );
}

function describedBy(form: FormState, name: string, hint?: string): string | undefined {
  const ids = [hint ? `${fieldId(name)}-hint` : '', form.errors[name] ? `${fieldId(name)}-error` : ''].filter(Boolean);
  return ids.length ? ids.join(' ') : undefined;
}

/** The USWDS required-field marker: an asterisk explained as "required". */
function RequiredMark({ ctx }: { ctx: PageContext }) {
  return (
    <>
      {' '}
      <abbr title={ctx.t('common.required')} class="usa-hint usa-hint--required">*</abbr>
    </>
  );
}

function Label({ ctx, name, label, required }: { ctx: PageContext; name: string; label: string; required?: boolean }) {
  return (
    <label class="usa-label" for={fieldId(name)}>
      {label}
      {required ? (
        <RequiredMark ctx={ctx} />
      ) : (
        <span class="usa-hint"> ({ctx.t('common.optional')})</span>
      )}
    </label>
  );
}

export function TextInput(
  props: FieldProps & { type?: string; autocomplete?: string; inputMode?: string; maxLength?: number; width?: string },
) {
  const { ctx, form, name, label, hint, required, type = 'text', autocomplete, inputMode, maxLength, width } = props;
  const hasError = Boolean(form.errors[name]);
  return (
    <FormGroup form={form} name={name}>
      <FieldHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} />
      <input
        class={`usa-input${hasError ? ' usa-input--error' : ''}${width ? ` usa-input--${width}` : ''}`}
        id={fieldId(name)}
        name={name}
        type={type as any}
        value={type === 'password' ? '' : (form.values[name] ?? '')}
        autoComplete={autocomplete}
        inputMode={inputMode as any}
        maxLength={maxLength}
        required={required}
        aria-required={required ? 'true' : undefined}
        aria-invalid={hasError ? 'true' : undefined}
        aria-describedby={describedBy(form, name, hint)}
      />
    </FormGroup>
  );
}

export function SelectInput(props: FieldProps & { options: { value: string; label: string }[]; placeholder?: string }) {
  const { ctx, form, name, label, hint, required, options, placeholder } = props;
  const hasError = Boolean(form.errors[name]);
  const current = form.values[name] ?? '';
  return (
    <FormGroup form={form} name={name}>
      <FieldHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} />
      <select
        class={`usa-select${hasError ? ' usa-input--error' : ''}`}
        id={fieldId(name)}
        name={name}
        required={required}
        aria-invalid={hasError ? 'true' : undefined}
        aria-describedby={describedBy(form, name, hint)}
      >
        <option value="">{placeholder ?? ctx.t('common.selectPlaceholder')}</option>
        {options.map((o) => (
          <option value={o.value} selected={o.value === current} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FormGroup>
  );
}

export function RadioGroup(
  props: FieldProps & { options: { value: string; label: string; description?: string }[]; tile?: boolean },
) {
  const { ctx, form, name, label, hint, required, options, tile } = props;
  const current = form.values[name] ?? '';
  return (
    <FormGroup form={form} name={name}>
      <fieldset class="usa-fieldset" id={fieldId(name)} aria-describedby={describedBy(form, name, hint)}>
        <LegendHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} />
        {options.map((o, i) => (
          <div class="usa-radio" key={o.value}>
            <input
              class={`usa-radio__input${tile ? ' usa-radio__input--tile' : ''}`}
              id={`${fieldId(name)}-${i}`}
              type="radio"
              name={name}
              value={o.value}
              checked={o.value === current}
            />
            <label class="usa-radio__label" for={`${fieldId(name)}-${i}`}>
              {o.label}
              {o.description ? <span class="usa-checkbox__label-description">{o.description}</span> : null}
            </label>
          </div>
        ))}
      </fieldset>
    </FormGroup>
  );
}

export function Checkbox(props: FieldProps & { value?: string }) {
  const { ctx, form, name, label, value = 'yes' } = props;
  const hasError = Boolean(form.errors[name]);
  return (
    <FormGroup form={form} name={name}>
      <FieldError ctx={ctx} form={form} name={name} />
      <div class="usa-checkbox">
        <input
          class="usa-checkbox__input"
          id={fieldId(name)}
          type="checkbox"
          name={name}
          value={value}
          checked={form.values[name] === value}
          aria-invalid={hasError ? 'true' : undefined}
          aria-describedby={form.errors[name] ? `${fieldId(name)}-error` : undefined}
        />
        <label class="usa-checkbox__label" for={fieldId(name)}>{label}</label>
      </div>
    </FormGroup>
  );
}

export function TextArea(props: FieldProps & { maxLength?: number; rows?: number }) {
  const { ctx, form, name, label, hint, required, maxLength, rows = 4 } = props;
  const hasError = Boolean(form.errors[name]);
  return (
    <FormGroup form={form} name={name}>
      <FieldHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} />
      <textarea
        class={`usa-textarea${hasError ? ' usa-input--error' : ''}`}
        id={fieldId(name)}
        name={name}
        rows={rows}
        maxLength={maxLength}
        required={required}
        aria-invalid={hasError ? 'true' : undefined}
        aria-describedby={describedBy(form, name, hint)}
      >
        {form.values[name] ?? ''}
      </textarea>
    </FormGroup>
  );
}

/**
 * Several checkboxes under one legend. Each box is its own field, `<name>__<value>`, so a
 * plain urlencoded form keeps every choice (see `checkedValues`); errors belong to `name`.
 */
export function CheckboxGroup(props: FieldProps & { options: { value: string; label: string }[] }) {
  const { ctx, form, name, label, hint, required, options } = props;
  return (
    <FormGroup form={form} name={name}>
      <fieldset class="usa-fieldset" id={fieldId(name)} aria-describedby={describedBy(form, name, hint)}>
        <LegendHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} />
        {options.map((o) => (
          <div class="usa-checkbox" key={o.value}>
            <input class="usa-checkbox__input" id={fieldId(`${name}__${o.value}`)} type="checkbox" name={`${name}__${o.value}`} value="yes" checked={form.values[`${name}__${o.value}`] === 'yes'} />
            <label class="usa-checkbox__label" for={fieldId(`${name}__${o.value}`)}>{o.label}</label>
          </div>
        ))}
      </fieldset>
    </FormGroup>
  );
}

/** The USWDS "memorable date" pattern: month, day and year as separate fields. */
export function DateFields(props: FieldProps & { prefix: string }) {
  const { ctx, form, name, label, hint, required, prefix } = props;
  const hasError = Boolean(form.errors[name]);
  const months = Array.from({ length: 12 }, (_, i) =>
    new Intl.DateTimeFormat(ctx.lang === 'es' ? 'es-US' : 'en-US', { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, i, 1))),
  );
  return (
    <FormGroup form={form} name={name}>
      <fieldset class="usa-fieldset" id={fieldId(name)}>
        <LegendHead ctx={ctx} form={form} name={name} label={label} hint={hint} required={required} hintTag="span" />
        <div class="usa-memorable-date">
          <div class="usa-form-group usa-form-group--month usa-form-group--select">
            <label class="usa-label" for={fieldId(`${prefix}_month`)}>{ctx.t('common.month')}</label>
            <select class="usa-select" id={fieldId(`${prefix}_month`)} name={`${prefix}_month`} aria-invalid={hasError ? 'true' : undefined}>
              <option value="">{ctx.t('common.selectPlaceholder')}</option>
              {months.map((m, i) => (
                <option value={String(i + 1)} selected={form.values[`${prefix}_month`] === String(i + 1)} key={m}>
                  {String(i + 1).padStart(2, '0')} - {m}
                </option>
              ))}
            </select>
          </div>
          <div class="usa-form-group usa-form-group--day">
            <label class="usa-label" for={fieldId(`${prefix}_day`)}>{ctx.t('common.day')}</label>
            <input class="usa-input" id={fieldId(`${prefix}_day`)} name={`${prefix}_day`} maxLength={2} inputMode="numeric"
              value={form.values[`${prefix}_day`] ?? ''} aria-invalid={hasError ? 'true' : undefined} />
          </div>
          <div class="usa-form-group usa-form-group--year">
            <label class="usa-label" for={fieldId(`${prefix}_year`)}>{ctx.t('common.year')}</label>
            <input class="usa-input" id={fieldId(`${prefix}_year`)} name={`${prefix}_year`} minLength={4} maxLength={4} inputMode="numeric"
              value={form.values[`${prefix}_year`] ?? ''} aria-invalid={hasError ? 'true' : undefined} />
          </div>
        </div>
      </fieldset>
    </FormGroup>
  );
}

export function SubmitButton({ children, secondary }: { children: ComponentChildren; secondary?: boolean }) {
  return (
    <button type="submit" class={`usa-button${secondary ? ' usa-button--outline' : ''}`}>
      {children}
    </button>
  );
}
