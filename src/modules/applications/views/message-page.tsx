import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';

/** APP-10: every email also reads in the account, so nothing is lost to a spam folder. */
export function MessagePage({ ctx, message }: { ctx: PageContext; message: { subject: string; text_body: string; created_at: string; to_address: string } }) {
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={message.subject}>
      <p>
        <a class="usa-link" href="/account">{t('applications.backToAccount')}</a>
      </p>
      <h1>{message.subject}</h1>
      <p class="usa-hint">{t('applications.message.sentTo', { email: message.to_address, date: ctx.i18n.dateTime(message.created_at) })}</p>
      <div class="usa-prose">
        {message.text_body.split(/\n\s*\n/).map((p, i) => (
          <p key={i}>
            {p.split('\n').map((line, j, all) => (
              <>
                {line}
                {j < all.length - 1 ? <br /> : null}
              </>
            ))}
          </p>
        ))}
      </div>
    </Layout>
  );
}
