import http from 'node:http';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { paddedPdf } from './padded-pdf.js';

/**
 * The load generator, run in a child process by runLoad() (bench/support.ts) so that it never
 * shares the app's event loop. It takes one job on IPC, answers with its figures and exits.
 */

export interface HttpSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}
/** What counts as a success: a status, and for a redirect where it must point (a RegExp source). */
export interface Expect {
  status: number;
  location?: string;
}

/** `connections` keep-alive connections; each request takes the next spec, none used twice unless `cycle`. */
export interface LoadJob {
  kind: 'load';
  url: string;
  connections: number;
  amount?: number;
  duration?: number;
  specs: HttpSpec[];
  cycle?: boolean;
  expect: Expect;
}
export interface LoadResult {
  seconds: number;
  requests: number;
  ok: number;
  okPerSec: number;
  /** Socket errors and time-outs; unexpected answers are in `statuses` and `unexpected`. */
  errors: number;
  statuses: Record<string, number>;
  unexpected: string[];
  latency: { mean: number; p50: number; p90: number; p99: number; max: number };
  specsUsed: number;
}

/** One request after another on one connection: latency, without queueing. */
export interface SequentialJob {
  kind: 'sequential';
  url: string;
  specs: HttpSpec[];
  expect: Expect;
}
export interface SequentialResult {
  ms: number[];
  ok: number;
  unexpected: string[];
}

/** All uploads at once, each a multipart body streamed from a generator. */
export interface UploadJob {
  kind: 'uploads';
  url: string;
  uploads: { path: string; cookie: string; csrf: string; field: string; head: Uint8Array; size: number; expect: Expect }[];
}
export interface UploadResult {
  seconds: number;
  ok: number;
  unexpected: string[];
}

const matches = (e: Expect, status: number, location: unknown) =>
  status === e.status && (e.location === undefined || new RegExp(e.location).test(String(location ?? '')));

async function load(job: LoadJob): Promise<LoadResult> {
  let next = 0;
  let ok = 0;
  const unexpected: string[] = [];
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    ...(job.amount ? { amount: job.amount } : { duration: job.duration }),
    timeout: 30,
    requests: [
      {
        // autocannon builds each request from this; a shared counter gives every request its own spec.
        setupRequest: (req) => ({ ...req, ...job.specs[next++ % job.specs.length] }),
        onResponse: (status, _body, _ctx, headers) => {
          if (matches(job.expect, status, headers.location)) ok++;
          else if (unexpected.length < 5) unexpected.push(`${status} ${headers.location ?? ''}`.trim());
        },
      },
    ],
  });
  const statuses = Object.fromEntries(Object.entries(result.statusCodeStats).map(([k, v]) => [k, v.count]));
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  const { mean, p50, p90, p99, max } = result.latency;
  if (!job.cycle && next > job.specs.length) unexpected.push(`specs reused: ${next} requests built from ${job.specs.length}`);
  return { seconds: result.duration, requests, ok, okPerSec: ok / result.duration, errors: result.errors + result.timeouts, statuses, unexpected, latency: { mean, p50, p90, p99, max }, specsUsed: next };
}

async function sequential(job: SequentialJob): Promise<SequentialResult> {
  const out: SequentialResult = { ms: [], ok: 0, unexpected: [] };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (const spec of job.specs) {
    const started = performance.now();
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(job.url + spec.path, { method: spec.method, headers: spec.headers, agent }, resolve);
      req.on('error', reject);
      req.end(spec.body);
    });
    res.resume();
    await once(res, 'end');
    out.ms.push(performance.now() - started);
    if (matches(job.expect, res.statusCode ?? 0, res.headers.location)) out.ok++;
    else if (out.unexpected.length < 5) out.unexpected.push(`${res.statusCode} ${res.headers.location ?? ''}`);
  }
  agent.destroy();
  return out;
}

/** One multipart upload: the CSRF field first (the route reads it first), then the file, streamed. */
async function upload(url: string, u: UploadJob['uploads'][number]): Promise<{ status: number; location: unknown }> {
  const boundary = `----spbench${randomBytes(8).toString('hex')}`;
  const pre = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${u.csrf}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="${u.field}"; filename="pay-stub.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
  );
  const post = Buffer.from(`\r\n--${boundary}--\r\n`);
  const req = http.request(url + u.path, {
    method: 'POST',
    agent: false,
    headers: { cookie: u.cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': pre.length + u.size + post.length },
  });
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  let early = false; // the app may answer before the end (a refusal): stop sending then
  void answered.then(() => (early = true), () => (early = true));
  req.write(pre);
  for (const chunk of paddedPdf(u.head, u.size)) {
    if (early) break;
    if (!req.write(chunk)) await Promise.race([once(req, 'drain'), answered]);
  }
  req.end(post);
  const res = await answered;
  res.resume();
  await once(res, 'end');
  return { status: res.statusCode ?? 0, location: res.headers.location };
}

async function uploads(job: UploadJob): Promise<UploadResult> {
  const started = performance.now();
  const answers = await Promise.all(job.uploads.map((u) => upload(job.url, u).then((a) => ({ ...a, ok: matches(u.expect, a.status, a.location) }))));
  const seconds = (performance.now() - started) / 1000;
  return { seconds, ok: answers.filter((a) => a.ok).length, unexpected: answers.filter((a) => !a.ok).slice(0, 5).map((a) => `${a.status} ${a.location ?? ''}`) };
}

process.once('message', async (job: LoadJob | SequentialJob | UploadJob) => {
  try {
    const result = job.kind === 'load' ? await load(job) : job.kind === 'sequential' ? await sequential(job) : await uploads(job);
    process.send!({ result }, () => process.exit(0));
  } catch (e) {
    process.send!({ error: e instanceof Error ? e.stack : String(e) }, () => process.exit(1));
  }
});
