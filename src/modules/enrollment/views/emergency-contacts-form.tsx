import type { FormState, PageContext } from '../../../platform/views/context.js';
import { Checkbox, CsrfField, SelectInput, SubmitButton, TextInput } from '../../../platform/views/forms.js';
import { FormLayout } from '../../../platform/views/form-layout.js';
import { CONTACT_LANGUAGES, RELATIONSHIPS, contactField, formRows } from '../emergency-contacts.js';

/**
 * ENR-4: the form of a student's emergency contacts, for the parent (/students/:id/…) and the
 * school office (/staff/roll/students/:id/…). One box per contact, in the order the school calls
 * them; the saved ones can be removed, and one empty box more adds a contact. What was typed stays
 * after an error, each error beside its field.
 */
export function EmergencyContactsFormPage({ ctx, form, title, intro, action, back }: {
  ctx: PageContext;
  form: FormState;
  title: string;
  intro: string;
  action: string;
  back: { href: string; label: string };
}) {
  const { t } = ctx;
  const rows = formRows(form.values);
  const saved = Math.min(Number.parseInt(form.values.saved ?? '0', 10) || 0, rows);
  return (
    <FormLayout ctx={ctx} title={title} form={form} back={back}>
      <p class="usa-intro">{intro}</p>
      <p>{t('emergency.form.howTo')}</p>
      <form method="post" action={action} class="usa-form usa-form--large" novalidate>
        <CsrfField ctx={ctx} />
        <input type="hidden" name="rows" value={String(rows)} />
        <input type="hidden" name="saved" value={String(saved)} />
        {Array.from({ length: rows }, (_, n) => n + 1).map((i) => {
          // A box beyond the saved contacts, once one is saved, is an optional new one.
          const optional = i > saved && (saved > 0 || i > 1);
          return (
            <fieldset class="usa-fieldset margin-top-4" key={i}>
              <legend class="usa-legend usa-legend--large">{optional ? t('emergency.form.newContact') : t('emergency.form.contact', { n: i })}</legend>
              <TextInput ctx={ctx} form={form} name={contactField('name', i)} label={t('emergency.form.name')} required={!optional} maxLength={100} autocomplete="off" />
              <SelectInput
                ctx={ctx}
                form={form}
                name={contactField('relationship', i)}
                label={t('emergency.form.relationship')}
                required={!optional}
                options={RELATIONSHIPS.map((r) => ({ value: r, label: t(`emergency.relationships.${r}`) }))}
              />
              <TextInput ctx={ctx} form={form} name={contactField('phone', i)} type="tel" label={t('emergency.form.phone')} hint={t('emergency.form.phoneHint')} required={!optional} maxLength={30} autocomplete="off" width="medium" />
              <TextInput ctx={ctx} form={form} name={contactField('alt_phone', i)} type="tel" label={t('emergency.form.altPhone')} maxLength={30} autocomplete="off" width="medium" />
              <TextInput ctx={ctx} form={form} name={contactField('email', i)} type="email" label={t('emergency.form.email')} maxLength={254} autocomplete="off" />
              <SelectInput
                ctx={ctx}
                form={form}
                name={contactField('language', i)}
                label={t('emergency.form.language')}
                options={CONTACT_LANGUAGES.map((l) => ({ value: l, label: t(`emergency.languages.${l}`) }))}
              />
              {i <= saved ? <Checkbox ctx={ctx} form={form} name={contactField('remove', i)} label={t('emergency.form.remove', { n: i })} /> : null}
            </fieldset>
          );
        })}
        <SubmitButton>{t('emergency.form.save')}</SubmitButton>
      </form>
    </FormLayout>
  );
}
