/**
 * One filter of a list (a GET form): its label and a select of [value, text] options, with an
 * "all" choice first when `all` is given. The option whose value is `value` is selected.
 */
export function FilterSelect({ id, name, label, all, value, options }: { id: string; name: string; label: string; all?: string; value?: string; options: [string, string][] }) {
  return (
    <div>
      <label class="usa-label" for={id}>{label}</label>
      <select class="usa-select" id={id} name={name}>
        {all !== undefined ? <option value="">{all}</option> : null}
        {options.map(([v, l]) => (
          <option value={v} selected={v === value} key={v}>{l}</option>
        ))}
      </select>
    </div>
  );
}
