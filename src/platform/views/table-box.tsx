import type { ComponentChildren } from 'preact';

/**
 * A wide table's own scrolling box (USWDS's scrollable table container): on a phone the table
 * scrolls inside it and the page stays still. The box is a named region that takes the keyboard
 * focus, so a person without a pointer can scroll it too (WCAG 2.1.1). `labelledBy` is the id of
 * the table's caption.
 */
export function TableBox({ labelledBy, children }: { labelledBy: string; children: ComponentChildren }) {
  return (
    <div class="usa-table-container--scrollable app-table-box" tabIndex={0} role="region" aria-labelledby={labelledBy}>
      {children}
    </div>
  );
}
