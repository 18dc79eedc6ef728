import type { FormState, PageContext } from '../../../platform/views/context.js';
import { SelectInput, TextInput } from '../../../platform/views/forms.js';
import { US_STATES } from '../validation.js';

/** A home address's fields (STU-1, DEC-13), under their heading and hint: the student's, or the one moved to. */
export function AddressFields({ ctx, form, heading, hint }: { ctx: PageContext; form: FormState; heading: string; hint: string }) {
  const { t } = ctx;
  return (
    <fieldset class="usa-fieldset">
      <legend class="usa-legend usa-legend--large">{heading}</legend>
      <p class="usa-hint">{hint}</p>
      <TextInput ctx={ctx} form={form} name="address_line1" label={t('students.form.address1')} autocomplete="address-line1" required maxLength={100} />
      <TextInput ctx={ctx} form={form} name="address_line2" label={t('students.form.address2')} autocomplete="address-line2" maxLength={100} />
      <TextInput ctx={ctx} form={form} name="city" label={t('students.form.city')} autocomplete="address-level2" required maxLength={60} />
      <SelectInput ctx={ctx} form={form} name="state" label={t('students.form.state')} required options={US_STATES.map((s) => ({ value: s, label: s }))} />
      <TextInput ctx={ctx} form={form} name="zip" label={t('students.form.zip')} autocomplete="postal-code" inputMode="numeric" required maxLength={10} width="medium" />
    </fieldset>
  );
}
