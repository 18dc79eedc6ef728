import type { ComponentChildren } from 'preact';
import { TableBox } from './table-box.js';

/** One column: its header (a catalog text) and how a row fills its cell. */
export interface Column<R> {
  header: string;
  cell: (row: R, index: number) => ComponentChildren;
  /** The cell that names the row (the student, the document): a header cell with scope="row". */
  rowHeader?: boolean;
  class?: string;
}

/**
 * Each variant's class written out whole: the stylesheet keeps only the USWDS rules whose class
 * names appear in our source (docs/adr/0020), so a name built at run time would lose its rules.
 */
const VARIANT_CLASS = {
  striped: 'usa-table--striped',
  compact: 'usa-table--compact',
  borderless: 'usa-table--borderless',
  stacked: 'usa-table--stacked',
} as const;
type Variant = keyof typeof VARIANT_CLASS;

/**
 * A USWDS table: its caption, column headers with their scope, a row per item and, in a
 * stacked table, each cell labelled with its column's header for a phone's narrow screen.
 * With `id`, the caption is `<id>-caption` and the table sits in its own scrolling box
 * (TableBox) named by it; `tableId` names the table itself. `columns` may hold `false` for a
 * column this reader does not see. `more` are rows after the items (in the body), `foot` the
 * table's footer.
 */
export function DataTable<R>(props: {
  id?: string;
  tableId?: string;
  caption: ComponentChildren;
  captionClass?: string;
  variants: Variant[];
  class?: string;
  columns: (Column<R> | false)[];
  rows: R[];
  rowKey: (row: R, index: number) => string | number;
  rowAttrs?: (row: R) => { id?: string; class?: string };
  more?: ComponentChildren;
  foot?: ComponentChildren;
}) {
  const columns = props.columns.filter((c): c is Column<R> => c !== false);
  const stacked = props.variants.includes('stacked');
  const classes = ['usa-table', ...props.variants.map((v) => VARIANT_CLASS[v]), ...(props.class ? [props.class] : [])].join(' ');
  const table = (
    <table class={classes} id={props.tableId}>
      <caption id={props.id ? `${props.id}-caption` : undefined} class={props.captionClass}>{props.caption}</caption>
      <thead>
        <tr>
          {columns.map((c) => (
            <th scope="col" key={c.header}>{c.header}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, i) => {
          const attrs = props.rowAttrs?.(row) ?? {};
          return (
            <tr key={props.rowKey(row, i)} id={attrs.id} class={attrs.class}>
              {columns.map((c) => {
                const label = stacked ? c.header : undefined;
                return c.rowHeader ? (
                  <th scope="row" data-label={label} class={c.class} key={c.header}>{c.cell(row, i)}</th>
                ) : (
                  <td data-label={label} class={c.class} key={c.header}>{c.cell(row, i)}</td>
                );
              })}
            </tr>
          );
        })}
        {props.more}
      </tbody>
      {props.foot ? <tfoot>{props.foot}</tfoot> : null}
    </table>
  );
  return props.id ? <TableBox labelledBy={`${props.id}-caption`}>{table}</TableBox> : table;
}
