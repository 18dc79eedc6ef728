import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import multipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import compress from '@fastify/compress';
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { Deps } from './deps.js';
import { securityHeaders } from './platform/http/security.js';
import { setLanguageCookie, webPlatform } from './platform/http/web.js';
import { safeNext } from './platform/http/guards.js';
import { queryOf, queryValue, typed, useRouteSchemas } from './platform/http/route-schemas.js';
import { IMMUTABLE, USWDS_DIST, PUBLIC_DIR, assets } from './platform/http/built-assets.js';
import { ErrorPage } from './platform/views/error-page.js';
import { isDatabaseUnavailable, pingDatabase } from './platform/db/kysely.js';
import { registerModules, type DeclaredModules } from './modules/index.js';
import { loggerOptions, requestIdOf, REQUEST_ID_HEADER } from './platform/ops/logging.js';
import { Readiness } from './platform/ops/readiness.js';
import { outboxDepth } from './platform/mail/depth.js';

/**
 * The whole HTTP app. `logger`: true or pino options (merged over the app's own: redaction and
 * serializers, src/platform/ops/logging.ts). `readiness`: what /readyz answers; the server keeps
 * it to report "shutting down" before it closes. `modules`: the modules' declarations, when the
 * caller built them already (the server, whose background runner runs their steps).
 */
export async function buildApp(deps: Deps, opts: { logger?: boolean | object; readiness?: Readiness; modules?: DeclaredModules } = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: opts.logger ? { ...loggerOptions(config.logLevel), ...(typeof opts.logger === 'object' ? opts.logger : {}) } : false,
    // Only a proxy we run may say who the client is: otherwise anyone could dodge a rate limit.
    trustProxy: config.trustProxy,
    bodyLimit: 1024 * 1024,
    // X-Request-Id from the proxy when it is a safe token, else a random UUID; echoed below.
    genReqId: requestIdOf,
    // Slow clients (docs/operations.md): a connection with nothing moving for idleTimeoutMs is
    // closed (headers sent, body never); headers must arrive within headersTimeoutMs and the whole
    // request within requestTimeoutMs (a 10 MB upload on a slow phone line fits in the default).
    connectionTimeout: config.idleTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      // Node checks the two time-outs above on this interval (30 s by default).
      connectionsCheckingInterval: Math.min(5000, Math.max(100, Math.floor(config.headersTimeoutMs / 4))),
    },
  });
  app.addHook('onRequest', async (req, reply) => {
    reply.header(REQUEST_ID_HEADER, req.id);
  });
  // Route params and query strings typed and validated from their zod schemas (src/platform/http/route-schemas.ts).
  useRouteSchemas(app);

  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(multipart, {
    limits: {
      fileSize: deps.config.maxUploadBytes,
      files: deps.config.maxFilesPerUpload,
      fields: 20,
      fieldSize: 10_000,
      parts: deps.config.maxFilesPerUpload + 20,
    },
  });
  // A family's phone plan pays for every byte: pages and assets go brotli or gzip, as the browser
  // asks. Brotli at quality 5, not the slow maximum, because pages are compressed as they are sent.
  await app.register(compress, {
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } },
  });
  // Every asset a page links (the stylesheet built from USWDS's, our scripts and stylesheet, USWDS's
  // script, the fonts and pictures the stylesheets name) is served under a name carrying its
  // content's hash, so a year's caching is safe: a new content is a new name (ADR 0020).
  // Registered before the folders, which would not know these names.
  for (const asset of assets().files.values()) {
    app.get(asset.href, { logLevel: 'warn' }, async (_req, reply) => reply.type(asset.type).header('cache-control', IMMUTABLE).send(asset.body));
  }
  // The plain names still answer, for a page a browser kept from before a release, with a short cache.
  await app.register(fastifyStatic, { root: USWDS_DIST, prefix: '/assets/uswds/', maxAge: '1h' });
  await app.register(fastifyStatic, { root: PUBLIC_DIR, prefix: '/assets/', decorateReply: false, maxAge: '1h' });

  // Browsers ask for /favicon.ico whatever the page says; one small picture answers both names.
  const favicon = fs.readFileSync(path.resolve('public/favicon.svg'));
  app.get('/favicon.ico', { logLevel: 'warn' }, async (_req, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(favicon),
  );

  securityHeaders(app, { https: deps.config.publicUrl.startsWith('https:') });
  webPlatform(app, { catalogs: deps.catalogs, sessions: deps.sessions, idempotency: deps.idempotency, cookieSecure: deps.config.cookieSecure, trainingClock: deps.config.clockStart ? deps.clock : null });

  // Polled every few seconds by orchestrators: logged only when something is wrong.
  app.get('/healthz', { logLevel: 'warn' }, async (_req, reply) => {
    const database = await pingDatabase(deps.db);
    const storage = await deps.storage.ping();
    const status = database && storage ? 'ok' : 'degraded';
    // The outbox's depth, so that an operator sees mail falling behind (docs/operations.md). It
    // tells; it does not make the instance unhealthy: the SMTP server is not this instance.
    const mail = database ? await outboxDepth(deps.db, deps.clock.now()).catch(() => null) : null;
    return reply.status(status === 'ok' ? 200 : 503).send({ status, database: database ? 'ok' : 'unreachable', storage: storage ? 'ok' : 'unreachable', dialect: deps.dialect, mail });
  });

  // Readiness (docs/operations.md): 503 when the database or the file store fails, and from the
  // moment a graceful shutdown begins, so the load balancer stops sending traffic first.
  const readiness = opts.readiness ?? new Readiness(deps);
  app.get('/readyz', { logLevel: 'warn' }, async (req, reply) => {
    const { report, problems } = await readiness.check();
    if (problems.length) req.log.warn({ problems }, 'not ready');
    return reply.status(report.status === 'ready' ? 200 : 503).header('cache-control', 'no-store').send(report);
  });

  // The language switch is a link, so any site can make a browser follow it: it sets only the
  // pages' language (a cookie). The language an account's emails go in changes only by a form
  // with its CSRF token (POST /account/language, docs/adr/0016).
  typed(app).get('/language', { schema: { querystring: queryOf({ to: queryValue, next: queryValue }) } }, async (req, reply) => {
    const q = req.query;
    const to = q.to && deps.catalogs.messages.has(q.to) ? q.to : deps.catalogs.defaultLanguage;
    setLanguageCookie(reply, to, deps.config.cookieSecure);
    return reply.redirect(safeNext(q.next, '/'), 303);
  });

  await registerModules(app, deps, opts.modules);

  app.setNotFoundHandler(async (req, reply) => {
    const { t } = req.i18n ?? { t: (k: string) => k };
    if (!req.i18n) return reply.status(404).send('Not found');
    return reply.page((ctx) => ErrorPage({ ctx, title: t('common.notFound.title'), message: t('common.notFound.message') }), { status: 404, forms: false });
  });

  app.setErrorHandler(async (error: Error & { statusCode?: number; code?: string }, req, reply) => {
    const unavailable = isDatabaseUnavailable(error);
    const status = unavailable ? 503 : error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) req.log.error({ err: error }, 'unhandled error');
    if (unavailable) {
      // The database restarted or is failing over: nothing of this step was saved; say so, and when to retry.
      req.log.warn({ err: error }, 'database unavailable');
      reply.header('Retry-After', '5');
    }
    if (!req.i18n || reply.sent) return reply.status(status).send(status === 503 ? 'Unavailable: try again' : status === 500 ? 'Internal error' : 'Bad request');
    const { t } = req.i18n;
    const key = status === 503 ? 'common.unavailable' : status === 500 ? 'common.serverError' : status === 413 ? 'common.tooLarge' : 'common.badRequest';
    try {
      return await reply.page((ctx) => ErrorPage({ ctx, title: t(`${key}.title`), message: t(`${key}.message`) }), { status, forms: false });
    } catch {
      return reply.status(status).type('text/plain').send(t(`${key}.message`));
    }
  });

  return app;
}
