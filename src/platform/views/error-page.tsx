import { Layout } from './layout.js';
import type { PageContext } from './context.js';

export function ErrorPage({ ctx, title, message }: { ctx: PageContext; title: string; message: string }) {
  return (
    <Layout ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p class="usa-intro">{message}</p>
      <p>
        <a class="usa-link" href="/">{ctx.t('common.backHome')}</a>
      </p>
    </Layout>
  );
}
