import type { FastifyInstance } from 'fastify';

/** A strict Content-Security-Policy: our own scripts and styles only, nothing inline. */
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Served over HTTPS (an `https://` public address), browsers are told to use nothing else for a
 * year, so a parent on a café network cannot be kept on plain HTTP by someone in between. Not
 * `includeSubDomains`: a district's other sites under the same name are not ours to commit.
 */
export const HSTS = 'max-age=31536000';

export function securityHeaders(app: FastifyInstance, opts: { https: boolean } = { https: false }): void {
  app.addHook('onSend', async (req, reply, payload) => {
    if (opts.https) reply.header('Strict-Transport-Security', HSTS);
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    reply.header('X-Frame-Options', 'DENY');
    reply.header('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
    reply.header('Cross-Origin-Opener-Policy', 'same-origin');
    // Pages may hold a student's details: never keep them in a shared cache. Assets and the
    // site's icon hold none and say how long they keep.
    if (!req.url.startsWith('/assets/') && req.url !== '/favicon.ico') reply.header('Cache-Control', 'no-store');
    return payload;
  });
}
