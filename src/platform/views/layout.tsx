import type { ComponentChildren } from 'preact';
import type { PageContext } from './context.js';
import { assetHref, stylesheetHref } from '../http/built-assets.js';

interface LayoutProps {
  ctx: PageContext;
  title: string;
  children: ComponentChildren;
  /** Set when the page shows form errors: the title then starts with "Error:". */
  hasErrors?: boolean;
  staff?: boolean;
  /** Extra scripts of our own origin for this page (progressive enhancement only). */
  scripts?: string[];
}

/** Signing out changes state, so it is a form with its CSRF token, not a link. */
function SignOut({ ctx, action }: { ctx: PageContext; action: string }) {
  return (
    <li>
      <form method="post" action={action} class="app-inline-form">
        <input type="hidden" name="_csrf" value={ctx.csrfToken} />
        <button type="submit" class="usa-button usa-button--unstyled">{ctx.t('common.signOut')}</button>
      </form>
    </li>
  );
}

function languageHref(ctx: PageContext, code: string): string {
  return `/language?to=${encodeURIComponent(code)}&next=${encodeURIComponent(ctx.path)}`;
}

export function Layout({ ctx, title, children, hasErrors, scripts = [] }: LayoutProps) {
  const { t } = ctx;
  const fullTitle = `${hasErrors ? `${t('common.errorTitlePrefix')} ` : ''}${title} | ${t('common.siteName')}`;
  return (
    <html lang={ctx.lang} class="no-js">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        <link rel="icon" href={assetHref('/assets/favicon.svg')} type="image/svg+xml" />
        <link rel="stylesheet" href={stylesheetHref()} />
        <link rel="stylesheet" href={assetHref('/assets/app.css')} />
        {/* Deferred: fetched while the page is read, run in this order once it is parsed, never
            holding up its first paint. USWDS's script starts its components then (it waits for
            the document itself when it runs earlier); its uswds-init.js is left out, as it only
            hides banner, sub-menu and modal content we do not use until that script has run. */}
        <script src={assetHref('/assets/uswds/js/uswds.min.js')} defer></script>
        <script src={assetHref('/assets/app.js')} defer></script>
        {scripts.map((src) => (
          <script src={assetHref(src)} defer key={src}></script>
        ))}
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">{t('common.skipToContent')}</a>
        <header class="usa-header usa-header--basic">
          <div class="usa-nav-container">
            <div class="usa-navbar">
              <div class="usa-logo">
                <em class="usa-logo__text">
                  <a href="/" title={t('common.home')}>{t('common.siteName')}</a>
                </em>
              </div>
            </div>
            <nav aria-label={t('common.mainNavigation')} class="app-nav">
              <ul class="usa-list usa-list--unstyled app-nav__list">
                {ctx.staff ? (
                  <>
                    {/* PRV-1: a school's roles (its office, its teachers) see the roll, never the permit office's pages. */}
                    {ctx.staff.role === 'school_office' || ctx.staff.role === 'teacher' ? (
                      <>
                        <li><a href="/staff/roll" class="usa-link">{t('roll-roles.nav.roll')}</a></li>
                        {/* Issue 16: the day's attendance — a teacher's sections, the office's school's. */}
                        <li><a href="/staff/attendance" class="usa-link">{t('attendance-sections.nav')}</a></li>
                        <li><a href="/staff/reports" class="usa-link">{t('roll-roles.nav.reports')}</a></li>
                      </>
                    ) : (
                      <>
                        <li><a href="/staff/dashboard" class="usa-link">{t('dashboard.nav')}</a></li>
                        <li><a href="/staff/queue" class="usa-link">{t('staff.nav.queue')}</a></li>
                        <li><a href="/staff/documents" class="usa-link">{t('review.nav.documents')}</a></li>
                        <li><a href="/staff/reviews" class="usa-link">{t('permit-life.nav.reviews')}</a></li>
                        {/* Issue 15: a district administrator also reads (and keeps) every school's roll. */}
                        {ctx.staff.role === 'district_admin' ? <li><a href="/staff/roll" class="usa-link">{t('roll-roles.nav.roll')}</a></li> : null}
                      </>
                    )}
                    {ctx.staff.role === 'district_admin' || ctx.staff.role === 'auditor' ? (
                      <li><a href="/staff/audit" class="usa-link">{t('staff.nav.audit')}</a></li>
                    ) : null}
                    {ctx.staff.role === 'district_admin' ? <li><a href="/staff/team" class="usa-link">{t('team.nav')}</a></li> : null}
                    {ctx.staff.role === 'district_admin' ? <li><a href="/staff/addresses" class="usa-link">{t('addresses.nav')}</a></li> : null}
                    <SignOut ctx={ctx} action="/staff/sign-out" />
                  </>
                ) : ctx.user ? (
                  <>
                    <li><a href="/account" class="usa-link">{t('common.myAccount')}</a></li>
                    <SignOut ctx={ctx} action="/sign-out" />
                  </>
                ) : (
                  <li><a href="/sign-in" class="usa-link">{t('common.signIn')}</a></li>
                )}
                <li class="app-lang">
                  {ctx.languages
                    .filter((l) => l.code !== ctx.lang)
                    .map((l) => (
                      <a href={languageHref(ctx, l.code)} lang={l.code} hrefLang={l.code} class="usa-link" key={l.code}>
                        {l.name}
                      </a>
                    ))}
                </li>
              </ul>
            </nav>
          </div>
        </header>
        <main id="main-content" class="grid-container app-main" tabIndex={-1}>
          {ctx.trainingClock ? (
            <div class="usa-alert usa-alert--warning usa-alert--slim" role="region" aria-label={t('common.trainingClockLabel')}>
              <div class="usa-alert__body">
                <p class="usa-alert__text">{t('common.trainingClock', { now: ctx.trainingClock })}</p>
              </div>
            </div>
          ) : null}
          {ctx.flash ? (
            <div class={`usa-alert usa-alert--${ctx.flash.type} usa-alert--slim`} role="status">
              <div class="usa-alert__body">
                <p class="usa-alert__text">{t(ctx.flash.messageKey, ctx.flash.params)}</p>
              </div>
            </div>
          ) : null}
          {children}
        </main>
        <footer class="usa-footer usa-footer--slim">
          <div class="grid-container usa-footer__return-to-top">
            <a href="#main-content">{t('common.returnToTop')}</a>
          </div>
          <div class="usa-footer__secondary-section">
            <div class="grid-container">
              <p>{t('common.footer')}</p>
              <ul class="usa-list usa-list--unstyled">
                <li><a class="usa-link" href="/upload">{t('common.uploadDocuments')}</a></li>
                <li><a class="usa-link" href="/status">{t('common.checkStatus')}</a></li>
              </ul>
            </div>
          </div>
        </footer>
      </body>
    </html>
  );
}
