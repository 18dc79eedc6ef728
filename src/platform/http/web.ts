import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { idempotency, type IdempotencyStore } from './idempotency.js';
import { timingSafeEqual } from 'node:crypto';
import type { Catalogs } from '../i18n/catalogs.js';
import { translator, type Translator } from '../i18n/translator.js';
import type { PageContext } from '../views/context.js';
import type { Clock } from '../clock.js';
import { rawField } from './forms.js';
import { renderDocument } from './render.js';
import { SESSION_COOKIE, attachSessionMethods, type SessionStore } from './sessions.js';

export const LANG_COOKIE = 'sp_lang';

declare module 'fastify' {
  interface FastifyRequest {
    i18n: Translator;
    /** Builds what every page needs. `forms: true` makes sure a CSRF token exists. */
    pageContext(opts?: { forms?: boolean }): Promise<PageContext>;
  }
  interface FastifyReply {
    page(view: (ctx: PageContext) => VNode, opts?: { status?: number; forms?: boolean }): Promise<FastifyReply>;
  }
  interface FastifyContextConfig {
    /** 'manual': the handler checks the CSRF token itself (multipart uploads). */
    csrf?: 'manual';
  }
}

/** The pages' language, remembered in this browser for a year. */
export function setLanguageCookie(reply: FastifyReply, lang: string, secure: boolean): void {
  reply.setCookie(LANG_COOKIE, lang, { path: '/', httpOnly: true, sameSite: 'lax', secure, maxAge: 365 * 24 * 3600 });
}

/** `?lang=es` on any page: a link (an email's, the district page's) can name the language. */
export function languageAsked(catalogs: Catalogs, req: FastifyRequest): string | null {
  const asked = rawField(req.query, 'lang');
  return typeof asked === 'string' && catalogs.messages.has(asked) ? asked : null;
}

export function pickLanguage(catalogs: Catalogs, req: FastifyRequest): string {
  const asked = languageAsked(catalogs, req);
  if (asked) return asked;
  const cookie = req.cookies[LANG_COOKIE];
  if (cookie && catalogs.messages.has(cookie)) return cookie;
  if (req.session?.user && catalogs.messages.has(req.session.user.language)) return req.session.user.language;
  const accept = String(req.headers['accept-language'] ?? '');
  for (const part of accept.split(',')) {
    const code = part.trim().slice(0, 2).toLowerCase();
    if (catalogs.messages.has(code)) return code;
  }
  return catalogs.defaultLanguage;
}

export function csrfMatches(expected: string | undefined, given: unknown): boolean {
  if (!expected || typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A moment written out for the training clock's banner: "Monday, February 1, 2027, 8:00 AM" (district time). */
function writtenOut(at: Date, lang: string, timeZone = 'America/Los_Angeles'): string {
  const locale = lang === 'es' ? 'es-US' : 'en-US';
  const day = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'long', year: 'numeric', month: 'long', day: 'numeric' }).format(at);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: 'numeric', minute: '2-digit' }).format(at);
  return `${day}, ${time}`;
}

/** Sessions, language, CSRF and page rendering for every request. */
export function webPlatform(app: FastifyInstance, deps: { catalogs: Catalogs; sessions: SessionStore; idempotency: IdempotencyStore; cookieSecure: boolean; trainingClock?: Clock | null }): void {
  const { catalogs, sessions } = deps;
  app.decorateRequest('session', null);
  app.decorateRequest('i18n', null as unknown as Translator);

  app.addHook('onRequest', async (req, reply) => {
    if (req.url.startsWith('/assets/')) return;
    req.session = await sessions.load(req.cookies[SESSION_COOKIE]);
    attachSessionMethods(req, reply, sessions);
    req.i18n = translator(catalogs, pickLanguage(catalogs, req));
    // The language a link asked for stays for the next pages, as the language link does (ADR 0016:
    // the pages' language cookie is a preference of this browser, not a change to any record).
    const asked = languageAsked(catalogs, req);
    if (asked && asked !== req.cookies[LANG_COOKIE]) setLanguageCookie(reply, asked, deps.cookieSecure);
    req.pageContext = async (opts = {}) => {
      const session = opts.forms ? await req.ensureSession() : req.session;
      let flash: PageContext['flash'] = null;
      if (session?.data.flash) {
        flash = session.data.flash as PageContext['flash'];
        delete session.data.flash;
        await sessions.saveData(session);
      }
      return {
        i18n: req.i18n,
        t: req.i18n.t,
        lang: req.i18n.lang,
        languages: catalogs.languages,
        csrfToken: session?.csrfToken ?? '',
        user: session?.user ?? null,
        staff: session?.staff ?? null,
        path: req.url,
        trainingClock: deps.trainingClock ? writtenOut(deps.trainingClock.now(), req.i18n.lang) : null,
        flash,
      };
    };
  });

  app.decorateReply('page', async function (this: FastifyReply, view, opts = {}) {
    const ctx = await this.request.pageContext({ forms: opts.forms ?? true });
    return this.status(opts.status ?? 200).type('text/html; charset=utf-8').send(renderDocument(view(ctx)));
  });

  // CSRF on every state-changing request; multipart handlers check it themselves.
  app.addHook('preHandler', async (req, reply) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return;
    if (req.routeOptions.config?.csrf === 'manual' || req.is404) return;
    const given = rawField(req.body, '_csrf') ?? req.headers['x-csrf-token'];
    if (!csrfMatches(req.session?.csrfToken, given)) {
      return sendCsrfFailure(req, reply);
    }
  });

  // After CSRF: a forged post never claims a key.
  idempotency(app, deps.idempotency, async (req, reply) => {
    const { t } = req.i18n;
    const { ErrorPage } = await import('../views/error-page.js');
    return reply.page((ctx) => ErrorPage({ ctx, title: t('common.busy.title'), message: t('common.busy.message') }), { status: 409 });
  });
}

/** The "too many attempts" page every rate-limited form answers with. */
export async function sendRateLimited(req: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number): Promise<FastifyReply> {
  const { t } = req.i18n;
  const { ErrorPage } = await import('../views/error-page.js');
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return reply.page((ctx) => ErrorPage({ ctx, title: t('common.rateLimited.title'), message: t('common.rateLimited.message', { minutes }) }), { status: 429 });
}

export async function sendCsrfFailure(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { t } = req.i18n;
  const { ErrorPage } = await import('../views/error-page.js');
  return reply.page((ctx) => ErrorPage({ ctx, title: t('common.csrf.title'), message: t('common.csrf.message') }), { status: 403 });
}

/** Puts a one-time message on the next page shown. */
export async function setFlash(
  req: FastifyRequest,
  sessions: SessionStore,
  flash: NonNullable<PageContext['flash']>,
): Promise<void> {
  const session = await req.ensureSession();
  session.data.flash = flash;
  await sessions.saveData(session);
}
