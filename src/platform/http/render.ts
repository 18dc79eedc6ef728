import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { orderErrorSummaries } from '../views/forms.js';

export function renderDocument(vnode: VNode): string {
  return `<!DOCTYPE html>${orderErrorSummaries(renderToString(vnode))}`;
}
