import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.js';
import { parseForm } from '../../platform/http/forms.js';
import { answered, handleForm, refuse } from '../../platform/http/form-cycle.js';
import { requireParent, safeNext } from '../../platform/http/guards.js';
import { nextQuery, tokenParams, typed } from '../../platform/http/route-schemas.js';
import { LANG_COOKIE, sendRateLimited, setFlash, setLanguageCookie } from '../../platform/http/web.js';
import { emptyForm, type FormState } from '../../platform/views/context.js';
import { AccountsService } from './service.js';
import { HONEYPOT_FIELD, checkHuman, newHumanChallenge, type HumanChallenge } from './human-check.js';
import { ChangePasswordSchema, EmailOnlySchema, LanguageSchema, NewPasswordSchema, RegisterSchema, SignInSchema } from './validation.js';
import { RegisterPage } from './views/register-page.js';
import { PasswordPage } from './views/password-page.js';
import { EmailFormPage, NoticePage, SignInPage } from './views/sign-in-page.js';
import { LanguagePage } from './views/language-page.js';
import { isBusy } from '../../platform/passwords/hasher.js';
import { sendHashingBusy } from '../../platform/passwords/busy-page.js';

export async function accountRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  const service = new AccountsService(deps);
  const route = typed(app);
  const ip = (req: FastifyRequest) => req.ip;

  const tooMany = sendRateLimited;

  // --- Register (ACC-1, ACC-2) ---
  const showRegister = async (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
    const session = await req.ensureSession();
    const challenge = newHumanChallenge(deps.clock.now().getTime());
    session.data.human = challenge;
    await deps.sessions.saveData(session);
    return reply.page((ctx) => RegisterPage({ ctx, form, challenge }), { status });
  };

  app.get('/register', async (req, reply) => showRegister(req, reply, emptyForm()));

  app.post('/register', async (req, reply) => {
    const limit = await deps.rateLimiter.take('register.ip', ip(req));
    if (!limit.allowed) return tooMany(req, reply, limit.retryAfterSeconds);
    return handleForm(reply, req.body, {
      // The form's fields and the human check, both named in one summary.
      parse: (values) => {
        const parsed = parseForm(RegisterSchema, values);
        const errors = parsed.ok ? {} : { ...parsed.form.errors };
        const human = checkHuman(
          req.session?.data.human as HumanChallenge | undefined,
          { answer: values.answer, pow: values.pow, honeypot: values[HONEYPOT_FIELD] },
          deps.clock.now().getTime(),
        );
        if (human) errors.answer = { key: `accounts.errors.human.${human}` };
        return parsed.ok && !human ? { ok: true, data: parsed.data } : { ok: false, errors };
      },
      keep: (values) => ({ ...values, answer: '' }),
      submit: async (data) => {
        // Counted only for a complete form: what it limits is mail sent to one address.
        const byEmail = await deps.rateLimiter.take('register.email', data.email);
        if (!byEmail.allowed) return answered(tooMany(req, reply, byEmail.retryAfterSeconds));
        await service.register(data, req.i18n.lang);
        return { ok: true, value: data.email };
      },
      render: (form, status) => showRegister(req, reply, form, status),
      redirectTo: async (email) => {
        delete req.session!.data.human;
        req.session!.data.registeredEmail = email;
        await deps.sessions.saveData(req.session!);
        return '/register/check-email';
      },
    });
  });

  app.get('/register/check-email', async (req, reply) => {
    const { t } = req.i18n;
    const email = String(req.session?.data.registeredEmail ?? '');
    return reply.page((ctx) =>
      NoticePage({ ctx, title: t('accounts.checkEmail.title'), paragraphs: [t('accounts.checkEmail.sent', { email }), t('accounts.checkEmail.expires'), t('accounts.checkEmail.notArrived')], link: { href: '/activate/resend', label: t('accounts.checkEmail.resend') } }),
    );
  });

  // --- Activation: create a password (ACC-2, ACC-3) ---
  const linkInvalid = (req: FastifyRequest, reply: FastifyReply, resend: string) => {
    const { t } = req.i18n;
    return reply.page((ctx) => NoticePage({ ctx, title: t('accounts.linkInvalid.title'), paragraphs: [t('accounts.linkInvalid.text')], link: { href: resend, label: t('accounts.linkInvalid.again') } }), { status: 410 });
  };

  const activationPage = (req: FastifyRequest, reply: FastifyReply, token: string, form: FormState, status = 200, passwordErrors?: string[]) => {
    const { t } = req.i18n;
    return reply.page((ctx) => PasswordPage({ ctx, form, title: t('accounts.activate.title'), intro: t('accounts.activate.intro'), action: `/activate/${token}`, submitLabel: t('accounts.activate.submit'), passwordErrors }), { status });
  };

  /**
   * ACC-3, ACC-5: a new password by an emailed link (`<path>/:token`): the form while the link is
   * valid, and the account signed in once the password is set. `resend`: where to ask for a new link.
   */
  const passwordByLink = (path: string, purpose: 'activate' | 'reset', page: typeof activationPage, resend: string) => {
    route.get(`${path}/:token`, { schema: { params: tokenParams } }, async (req, reply) => {
      const { token } = req.params;
      if (!(await service.validToken(token, purpose))) return linkInvalid(req, reply, resend);
      return page(req, reply, token, emptyForm());
    });
    route.post(`${path}/:token`, { schema: { params: tokenParams } }, async (req, reply) => setPasswordByLink(req, reply, req.params.token, purpose, page, resend));
  };

  const setPasswordByLink = (req: FastifyRequest, reply: FastifyReply, token: string, purpose: 'activate' | 'reset', page: typeof activationPage, resend: string) =>
    handleForm(reply, req.body, {
      parse: NewPasswordSchema,
      keep: () => ({}),
      submit: async (data) => {
        const r = await service.setPasswordWithToken(token, purpose, data.password, data.password_confirm);
        if (isBusy(r)) return answered(sendHashingBusy(req, reply, r));
        if ('password' in r) return refuse(r.password.field, r.password.keys[0], undefined, { notes: r.password.keys });
        if (!r.ok) return answered(linkInvalid(req, reply, resend));
        return r;
      },
      render: (form, status, refused) => page(req, reply, token, form, status, refused?.notes),
      redirectTo: async (userId) => {
        await req.signIn(userId);
        await setFlash(req, deps.sessions, { type: 'success', messageKey: `accounts.${purpose}.done` });
        return '/account';
      },
    });

  app.get('/activate/resend', async (req, reply) => {
    const { t } = req.i18n;
    return reply.page((ctx) => EmailFormPage({ ctx, form: emptyForm(), title: t('accounts.resend.title'), intro: t('accounts.resend.intro'), action: '/activate/resend', submitLabel: t('accounts.resend.submit') }));
  });

  app.post('/activate/resend', async (req, reply) => {
    const { t } = req.i18n;
    const limit = await deps.rateLimiter.take('activation-resend.ip', ip(req));
    if (!limit.allowed) return tooMany(req, reply, limit.retryAfterSeconds);
    const parsed = parseForm(EmailOnlySchema, req.body);
    if (!parsed.ok) return reply.page((ctx) => EmailFormPage({ ctx, form: parsed.form, title: t('accounts.resend.title'), intro: t('accounts.resend.intro'), action: '/activate/resend', submitLabel: t('accounts.resend.submit') }), { status: 400 });
    // One activation email at a time, and past a few links an hour for one address, the page
    // reads the same but no more mail goes out: this keeps anyone from flooding an inbox or the
    // outbox, and says nothing about whether it has an account.
    await service.resendActivation(parsed.data.email, async () => (await deps.rateLimiter.take('activation-resend.email', parsed.data.email)).allowed);
    return reply.page((ctx) => NoticePage({ ctx, title: t('accounts.checkEmail.title'), paragraphs: [t('accounts.resend.done', { email: parsed.data.email })] }));
  });

  passwordByLink('/activate', 'activate', activationPage, '/activate/resend');

  // --- Sign in and out ---
  route.get('/sign-in', { schema: { querystring: nextQuery } }, async (req, reply) => {
    const next = safeNext(req.query.next);
    return reply.page((ctx) => SignInPage({ ctx, form: emptyForm(), next }));
  });

  route.post('/sign-in', { schema: { querystring: nextQuery } }, async (req, reply) => {
    const next = safeNext(req.query.next);
    return handleForm(reply, req.body, {
      parse: SignInSchema,
      keep: (values) => ({ email: values.email ?? '' }),
      submit: async ({ email, password }) => {
        const byIp = await deps.rateLimiter.take('sign-in.ip', ip(req));
        const byEmail = await deps.rateLimiter.take('sign-in.email', email);
        if (!byIp.allowed || !byEmail.allowed) return answered(tooMany(req, reply, Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds)));
        const r = await service.signIn(email, password);
        if (isBusy(r)) return answered(sendHashingBusy(req, reply, r, { limiter: deps.rateLimiter, policies: deps.config.rateLimits, taken: [['sign-in.ip', ip(req)], ['sign-in.email', email]] }));
        if (!r.ok) return refuse('email', r.problem.messageKey);
        await deps.rateLimiter.clear('sign-in.email', email);
        await req.signIn(r.value);
        return { ok: true, value: next };
      },
      render: (form, status) => reply.page((ctx) => SignInPage({ ctx, form, next }), { status }),
      redirectTo: () => next,
    });
  });

  app.post('/sign-out', async (req, reply) => {
    await req.signOut();
    const { rawId, session } = await deps.sessions.create(null, { flash: { type: 'info', messageKey: 'accounts.signedOut' } });
    deps.sessions.setCookie(reply, rawId);
    void session;
    return reply.redirect('/', 303);
  });

  // --- Forgot and reset (ACC-5) ---
  const forgotPage = (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200) => {
    const { t } = req.i18n;
    return reply.page((ctx) => EmailFormPage({ ctx, form, title: t('accounts.forgot.title'), intro: t('accounts.forgot.intro'), action: '/forgot-password', submitLabel: t('accounts.forgot.submit') }), { status });
  };
  app.get('/forgot-password', async (req, reply) => forgotPage(req, reply, emptyForm()));
  app.post('/forgot-password', async (req, reply) => {
    const { t } = req.i18n;
    const parsed = parseForm(EmailOnlySchema, req.body);
    if (!parsed.ok) return forgotPage(req, reply, parsed.form, 400);
    const byIp = await deps.rateLimiter.take('password-reset.ip', ip(req));
    const byEmail = await deps.rateLimiter.take('password-reset.email', parsed.data.email);
    if (!byIp.allowed || !byEmail.allowed) return tooMany(req, reply, Math.max(byIp.retryAfterSeconds, byEmail.retryAfterSeconds));
    await service.requestReset(parsed.data.email);
    return reply.page((ctx) => NoticePage({ ctx, title: t('accounts.forgot.sentTitle'), paragraphs: [t('accounts.forgot.sent', { email: parsed.data.email }), t('accounts.forgot.expires')] }));
  });

  const resetPage = (req: FastifyRequest, reply: FastifyReply, token: string, form: FormState, status = 200, passwordErrors?: string[]) => {
    const { t } = req.i18n;
    return reply.page((ctx) => PasswordPage({ ctx, form, title: t('accounts.reset.title'), intro: t('accounts.reset.intro'), action: `/reset-password/${token}`, submitLabel: t('accounts.reset.submit'), passwordErrors }), { status });
  };
  passwordByLink('/reset-password', 'reset', resetPage, '/forgot-password');

  // --- The language of emails and letters (LNG-1): stored only by a form with its CSRF token ---
  app.get('/account/language', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    return reply.page((ctx) => LanguagePage({ ctx, form: emptyForm({ language: user.language }) }));
  });
  app.post('/account/language', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    return handleForm(reply, req.body, {
      parse: LanguageSchema,
      submit: async (data) => {
        const r = await service.setLanguage(user.id, data.language);
        return r.ok ? r : refuse('language', r.problem.messageKey);
      },
      render: (form, status) => reply.page((ctx) => LanguagePage({ ctx, form }), { status }),
      redirectTo: async () => {
        // A browser that never chose a language shows the account's: keep its pages in the language
        // they are in now, so that saving the letters' language does not also switch the pages.
        if (!req.cookies[LANG_COOKIE]) setLanguageCookie(reply, req.i18n.lang, deps.config.cookieSecure);
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'accounts.language.done' });
        return '/account';
      },
    });
  });

  // --- Change password ---
  const changePage = (req: FastifyRequest, reply: FastifyReply, form: FormState, status = 200, passwordErrors?: string[]) => {
    const { t } = req.i18n;
    return reply.page((ctx) => PasswordPage({ ctx, form, title: t('accounts.change.title'), intro: t('accounts.change.intro'), action: '/account/password', withCurrent: true, submitLabel: t('accounts.change.submit'), passwordErrors }), { status });
  };
  app.get('/account/password', async (req, reply) => {
    if (!(await requireParent(req, reply))) return;
    return changePage(req, reply, emptyForm());
  });
  app.post('/account/password', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    return handleForm(reply, req.body, {
      parse: ChangePasswordSchema,
      keep: () => ({}),
      submit: async (data) => {
        // A stolen session must not become a way to guess the current password.
        const limit = await deps.rateLimiter.take('password-change.account', user.id);
        if (!limit.allowed) return answered(tooMany(req, reply, limit.retryAfterSeconds));
        const r = await service.changePassword(user.id, data.current_password, data.password, data.password_confirm, req.session!.idHash);
        if (isBusy(r)) return answered(sendHashingBusy(req, reply, r, { limiter: deps.rateLimiter, policies: deps.config.rateLimits, taken: [['password-change.account', user.id]] }));
        if ('password' in r) return refuse(r.password.field, r.password.keys[0], undefined, { notes: r.password.keys });
        return r.ok ? r : refuse('current_password', r.problem.messageKey);
      },
      render: (form, status, refused) => changePage(req, reply, form, status, refused?.notes),
      redirectTo: async () => {
        await setFlash(req, deps.sessions, { type: 'success', messageKey: 'accounts.change.done' });
        return '/account';
      },
    });
  });
}
