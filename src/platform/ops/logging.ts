import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';

/** What a request ID from outside may look like: short, and nothing that could forge a log line. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The ID a request is logged under: the caller's `X-Request-Id` (a load balancer or proxy that
 * already made one) when it is a safe token, otherwise a new random UUID.
 */
export function requestIdOf(req: Pick<IncomingMessage, 'headers'>): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && SAFE_REQUEST_ID.test(given)) return given;
  return randomUUID();
}

/**
 * Paths whose last segment is a secret (single-use activation and password-reset links):
 * anyone reading the logs could otherwise use them.
 */
const SECRET_PATH = /^(\/(?:staff\/)?(?:activate|reset-password)\/)(?!resend(?:$|[/?]))[^/?#]+/;

/**
 * The URL as logged: secret path segments masked and query values left out (the staff search box
 * carries names and dates of birth). Parameter names are kept: they say what was asked for.
 */
export function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  const pathPart = (q === -1 ? url : url.slice(0, q)).replace(SECRET_PATH, '$1[redacted]');
  if (q === -1) return pathPart;
  const names = [...new URLSearchParams(url.slice(q + 1)).keys()];
  return names.length ? `${pathPart}?${names.map((n) => `${encodeURIComponent(n)}=…`).join('&')}` : pathPart;
}

/**
 * Pino options for the app's JSON logs. Only the fields below are logged for a request: never
 * its body, cookies, authorization or the CSRF token. The redaction paths are a second guard
 * for anyone logging a raw request or headers object by hand.
 */
export function loggerOptions(level = 'info') {
  return {
    level,
    redact: {
      paths: [
        'req.headers.cookie',
        'req.headers.authorization',
        'req.headers["x-csrf-token"]',
        'headers.cookie',
        'headers.authorization',
        'res.headers["set-cookie"]',
        'req.body',
        'body',
        'password',
        '*.password',
      ],
      censor: '[redacted]',
    },
    serializers: {
      req(req: { method: string; url: string; ip: string; headers?: IncomingMessage['headers'] }) {
        return {
          method: req.method,
          url: loggableUrl(req.url),
          remoteAddress: req.ip,
          userAgent: typeof req.headers?.['user-agent'] === 'string' ? req.headers['user-agent'].slice(0, 200) : undefined,
        };
      },
      res(reply: { statusCode: number }) {
        return { statusCode: reply.statusCode };
      },
    },
  };
}
