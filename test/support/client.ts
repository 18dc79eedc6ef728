import type { FastifyInstance } from 'fastify';

export interface Page {
  status: number;
  html: string;
  headers: Record<string, unknown>;
  location?: string;
  body: Buffer;
}

/**
 * A browser-like client over app.inject: keeps cookies, remembers the CSRF token of the
 * last page it read, and sends it with each form, as a real browser would.
 */
export class TestClient {
  cookies = new Map<string, string>();
  csrf = '';
  constructor(private app: FastifyInstance, private ip = '127.0.0.1') {}

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: { headers: Record<string, unknown>; cookies: { name: string; value: string; maxAge?: number; expires?: Date }[] }) {
    for (const c of res.cookies) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  private toPage(res: Awaited<ReturnType<FastifyInstance['inject']>>): Page {
    this.remember(res as never);
    const html = res.body;
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (m) this.csrf = m[1];
    return { status: res.statusCode, html, headers: res.headers, location: res.headers.location as string | undefined, body: res.rawPayload };
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Page> {
    const res = await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookieHeader(), ...headers }, remoteAddress: this.ip });
    return this.toPage(res);
  }

  /** Posts a urlencoded form, adding the CSRF token unless `_csrf` is given. */
  async post(url: string, form: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Page> {
    const params = new URLSearchParams();
    if (!('_csrf' in form)) params.append('_csrf', this.csrf);
    for (const [k, v] of Object.entries(form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: params.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
      remoteAddress: this.ip,
    });
    return this.toPage(res);
  }

  /** Posts multipart form data (fields first, as browsers send them in page order). */
  async postMultipart(
    url: string,
    fields: Record<string, string>,
    files: { field: string; filename: string; contentType: string; data: Buffer }[],
  ): Promise<Page> {
    const boundary = `----sptest${Math.random().toString(16).slice(2)}`;
    const chunks: Buffer[] = [];
    const all = { _csrf: this.csrf, ...fields };
    for (const [k, v] of Object.entries(all)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
    }
    for (const f of files) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType}\r\n\r\n`));
      chunks.push(f.data, Buffer.from('\r\n'));
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: Buffer.concat(chunks),
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: this.cookieHeader() },
      remoteAddress: this.ip,
    });
    return this.toPage(res);
  }

  /** Follows a redirect response with a GET. */
  async follow(page: Page): Promise<Page> {
    if (!page.location) throw new Error(`Expected a redirect, got ${page.status}: ${page.html.slice(0, 300)}`);
    return this.get(page.location);
  }
}

/** The text of an HTML page without tags, whitespace collapsed: for assertions on what a person reads. */
export const textOf = (html: string): string =>
  html.replace(/<script[\s\S]*?<\/script>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
