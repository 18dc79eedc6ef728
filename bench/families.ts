import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { answerHumanQuestion } from '../test/support/parents.js';

/**
 * The families' side of bench/new-families.ts and bench/outbox.ts, in a child process of its
 * own: their mail provider (a local SMTP sink, smtp-server) and their browsers (fetch, one
 * cookie jar each, no JavaScript: the registration page's plain question is answered as a person
 * reads it). A child process, not the app's: the app's CPU (process.cpuUsage of the bench's
 * process, which runs the app and its outbox sender as src/server.ts does) then counts only
 * the app, and the sink's parsing and the pages' reading never wait on the app's event loop.
 * The sink and the browsers share this process, so an email's arrival and the moment a family
 * saw "check your email" are read on the same clock.
 */

export interface SignedIn {
  cookie: string;
  email: string;
}
export type ChildJob =
  | { kind: 'sink' }
  | { kind: 'new-families'; url: string; concurrency: number; total: number; prefix: string }
  | { kind: 'signed-in'; url: string; concurrency: number; families: SignedIn[] }
  | { kind: 'await-mail'; count: number }
  | { kind: 'mail-count' };

export interface JourneyReport {
  seconds: number;
  ok: number;
  failures: string[];
  /** Registration accepted (the 303) → activation email at the sink, ms. */
  activation: number[];
  /** The confirmation page → the confirmation email at the sink, ms. */
  confirmation: number[];
  /** Wall time of each step, summed over families, ms. */
  steps: Record<string, number>;
  requests: number;
  /** This process's CPU over the run (the browsers and the sink), ms. */
  cpuMs: number;
}
export interface MailCount {
  received: number;
  distinctIds: number;
  duplicates: number;
  withoutId: number;
  /** performance.now() of the first and last arrival. */
  first: number;
  last: number;
}

// --- The mail provider -------------------------------------------------------------------------

interface Arrival {
  at: number;
  to: string;
  messageId: string | null;
  text: string;
}
const arrivals: Arrival[] = [];
const byId = new Map<string, number>();
let duplicates = 0;
let withoutId = 0;
const waiting = new Map<string, { match: RegExp; resolve: (a: Arrival) => void }[]>();
let countWaiter: { count: number; resolve: () => void } | null = null;

function arrived(a: Arrival): void {
  arrivals.push(a);
  if (a.messageId === null) withoutId++;
  else {
    const seen = byId.get(a.messageId) ?? 0;
    if (seen > 0) duplicates++;
    byId.set(a.messageId, seen + 1);
  }
  const list = waiting.get(a.to);
  const i = list?.findIndex((w) => w.match.test(a.text)) ?? -1;
  if (list && i >= 0) list.splice(i, 1)[0].resolve(a);
  if (countWaiter && arrivals.length >= countWaiter.count) countWaiter.resolve();
}

/** The next email to `to` whose text matches, already arrived or yet to come. */
function mailTo(to: string, match: RegExp): Promise<Arrival> {
  const had = arrivals.find((a) => a.to === to && match.test(a.text) && !taken.has(a));
  if (had) {
    taken.add(had);
    return Promise.resolve(had);
  }
  return new Promise((resolve) => {
    const list = waiting.get(to) ?? [];
    list.push({ match, resolve: (a) => (taken.add(a), resolve(a)) });
    waiting.set(to, list);
  });
}
const taken = new Set<Arrival>();

/** Quoted-printable soft breaks and escapes undone, enough to read a link. */
const unQuote = (s: string) => s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

async function startSink(): Promise<number> {
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    // smtp-server looks up each connecting client's name by default; without a resolver that
    // answers (this machine) every new connection of the app's pool waited seconds for it.
    disableReverseLookup: true,
    size: 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const head = raw.slice(0, raw.search(/\r?\n\r?\n/));
        const id = /^Message-ID:\s*<?([^>\r\n]+)>?/im.exec(head)?.[1] ?? null;
        for (const r of session.envelope.rcptTo) arrived({ at: performance.now(), to: r.address.toLowerCase(), messageId: id, text: unQuote(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.server.address() as AddressInfo).port;
}

// --- The browsers ------------------------------------------------------------------------------

class Browser {
  private cookies = new Map<string, string>();
  requests = 0;
  constructor(
    private base: string,
    private address: string,
    cookie?: string,
  ) {
    if (cookie) {
      const [name, value] = cookie.split('=');
      this.cookies.set(name, value);
    }
  }
  private async go(path: string, init: { method: string; body?: string }): Promise<Response> {
    this.requests++;
    const res = await fetch(new URL(path, this.base), {
      method: init.method,
      body: init.body,
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        'x-forwarded-for': this.address,
        'accept-language': 'en-US,en;q=0.9',
        'accept-encoding': 'gzip, br',
        ...(init.body === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }
  async get(path: string, expect = 200): Promise<string> {
    const res = await this.go(path, { method: 'GET' });
    const html = await res.text();
    if (res.status !== expect) throw new Error(`GET ${path.replace(/\/activate\/[^?]+/, '/activate/…')} answered ${res.status}`);
    return html;
  }
  /** Posts a form as the browser would, then follows the 303 (a GET): the page that follows. */
  async submit(page: string, formMarker: string, answers: Record<string, string | true>, expectLocation: RegExp): Promise<{ location: string; html: string }> {
    const form = parseForm(page, formMarker);
    const body = new URLSearchParams(form.hidden);
    for (const [name, value] of Object.entries(answers)) {
      const choice = value === true ? form.choices[name]?.[0] : value;
      if (choice === undefined) throw new Error(`the form has no choice for ${name}`);
      body.set(name, choice);
    }
    const res = await this.go(form.action, { method: 'POST', body: body.toString() });
    const location = res.headers.get('location') ?? '';
    await res.arrayBuffer();
    if (res.status !== 303 || !expectLocation.test(location)) throw new Error(`POST ${form.action.replace(/\/activate\/[^?]+/, '/activate/…')} answered ${res.status} ${location}`);
    return { location, html: await this.get(location) };
  }
}

const attr = (tag: string, name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The form holding `marker` (a field's name): where it posts, its hidden fields, its radios' and boxes' values. */
function parseForm(html: string, marker: string): { action: string; hidden: Record<string, string>; choices: Record<string, string[]> } {
  const form = [...html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/g)].find((m) => m[2].includes(`name="${marker}"`));
  if (!form) throw new Error(`no form with ${marker} on the page`);
  const hidden: Record<string, string> = {};
  const choices: Record<string, string[]> = {};
  for (const [tag] of form[2].matchAll(/<input\b[^>]*>/g)) {
    const name = attr(tag, 'name');
    const type = attr(tag, 'type') ?? 'text';
    if (!name) continue;
    if (type === 'hidden') hidden[name] = decode(attr(tag, 'value') ?? '');
    if (type === 'radio' || type === 'checkbox') (choices[name] ??= []).push(decode(attr(tag, 'value') ?? 'on'));
  }
  return { action: decode(attr(form[1], 'action') ?? ''), hidden, choices };
}

const PASSWORD = 'Tortuga7Verde';
const STUDENT = {
  first_name: 'Mateo', middle_name: '', last_name: 'García', dob_month: '4', dob_day: '9', dob_year: '2018', current_grade: '2',
  current_school: 'Lincoln Elementary', current_district: 'Downey Unified', address_line1: '100 Main St', address_line2: '', city: 'Downey', state: 'CA', zip: '90241',
};
const REQUEST = { school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '1001', relationship: 'parent' };
const CONFIRMATION = /^\/applications\/[^/?]+\/confirmation$/;

type Steps = Record<string, number>;
async function timed<T>(steps: Steps, name: string, f: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await f();
  } finally {
    steps[name] = (steps[name] ?? 0) + performance.now() - started;
  }
}

/** Start page, agreement, form, submit, confirmation page: what a signed-in parent does to apply. */
async function application(b: Browser, email: string, steps: Steps): Promise<void> {
  const start = await timed(steps, 'start page', () => b.get('/apply/lausd-sample'));
  const form = await timed(steps, 'agreement → form', () => b.submit(start, 'agree', { student: true, agree: true }, /\/apply\/lausd-sample\//));
  await timed(steps, 'submit → confirmation', () => b.submit(form.html, 'submission_key', { ...REQUEST, decision_email: email, decision_email_confirm: email }, CONFIRMATION));
}

async function newFamily(url: string, n: number, prefix: string, report: JourneyReport): Promise<void> {
  const steps = report.steps;
  const email = `${prefix}-${n}@families.example.org`;
  const b = new Browser(url, `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  try {
    const page = await timed(steps, 'register page', () => b.get('/register'));
    await timed(steps, 'register → check email', () =>
      b.submit(page, 'email_confirm', { first_name: 'María', middle_name: '', last_name: 'García', email, email_confirm: email, answer: answerHumanQuestion(page) }, /^\/register\/check-email$/),
    );
    const registered = performance.now();
    const activation = await timed(steps, 'waiting for the activation email', () => mailTo(email, /\/activate\//));
    report.activation.push(activation.at - registered);
    const link = new URL(/(https?:\/\/[^\s"<>]*\/activate\/[^\s"<>]+)/.exec(activation.text)![1]);
    const passwordPage = await timed(steps, 'create password page', () => b.get(link.pathname + link.search));
    await timed(steps, 'create password → account', () => b.submit(passwordPage, 'password_confirm', { password: PASSWORD, password_confirm: PASSWORD }, /./));
    const studentPage = await timed(steps, 'add a student page', () => b.get('/students/new'));
    await timed(steps, 'add a student → students', () => b.submit(studentPage, 'dob_year', STUDENT, /^\/students/));
    await application(b, email, steps);
    const confirmed = performance.now();
    const mail = await timed(steps, 'waiting for the confirmation email', () => mailTo(email, /^(?![\s\S]*\/activate\/)/));
    report.confirmation.push(mail.at - confirmed);
    report.ok++;
  } catch (e) {
    if (report.failures.length < 5) report.failures.push(e instanceof Error ? e.message : String(e));
  } finally {
    report.requests += b.requests;
  }
}

const emptyReport = (): JourneyReport => ({ seconds: 0, ok: 0, failures: [], activation: [], confirmation: [], steps: {}, requests: 0, cpuMs: 0 });

/** `concurrency` families at a time, each starting as another ends, `total` in all. */
async function pool(concurrency: number, total: number, one: (i: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, async () => {
    while (next < total) await one(next++);
  }));
  return (performance.now() - started) / 1000;
}

async function run(job: ChildJob): Promise<unknown> {
  const cpu = process.cpuUsage();
  const withCpu = (r: JourneyReport) => {
    const used = process.cpuUsage(cpu);
    r.cpuMs = (used.user + used.system) / 1000;
    return r;
  };
  switch (job.kind) {
    case 'sink':
      return { port: await startSink() };
    case 'new-families': {
      const report = emptyReport();
      report.seconds = await pool(job.concurrency, job.total, (i) => newFamily(job.url, i, job.prefix, report));
      return withCpu(report);
    }
    case 'signed-in': {
      const report = emptyReport();
      report.seconds = await pool(job.concurrency, job.families.length, async (i) => {
        const f = job.families[i];
        const b = new Browser(job.url, `10.200.${(i >> 8) & 255}.${i & 255}`, f.cookie);
        try {
          await application(b, f.email, report.steps);
          report.ok++;
        } catch (e) {
          if (report.failures.length < 5) report.failures.push(e instanceof Error ? e.message : String(e));
        } finally {
          report.requests += b.requests;
        }
      });
      return withCpu(report);
    }
    case 'await-mail':
      if (arrivals.length < job.count) await new Promise<void>((resolve) => (countWaiter = { count: job.count, resolve }));
      countWaiter = null;
      return count();
    case 'mail-count':
      return count();
  }
}

const count = (): MailCount => ({
  received: arrivals.length,
  distinctIds: byId.size,
  duplicates,
  withoutId,
  first: arrivals[0]?.at ?? NaN,
  last: arrivals.at(-1)?.at ?? NaN,
});

process.on('message', (m: { id: number; job: ChildJob }) => {
  run(m.job).then(
    (result) => process.send!({ id: m.id, result }),
    (e: unknown) => process.send!({ id: m.id, error: e instanceof Error ? e.stack : String(e) }),
  );
});
