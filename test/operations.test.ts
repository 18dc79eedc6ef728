import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { PASSWORD, buildParent } from './support/parents.js';
import { buildApp } from '../src/app.js';
import { Readiness } from '../src/platform/ops/readiness.js';
import { loggableUrl } from '../src/platform/ops/logging.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('readiness (/readyz)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  it('answers 200 ready when the database and the file store answer', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready' });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers 503 naming the file store when it cannot be written, and ready again once it can', async () => {
    const tmp = path.join(t.dataDir, 'files', 'tmp');
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.writeFileSync(tmp, 'not a folder'); // fails even for root, unlike a permission change
    try {
      const res = await t.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not ready', database: 'ok', storage: 'unreachable' });
      // No folder names or error text in the public answer.
      expect(res.body).not.toContain(t.dataDir);
    } finally {
      fs.rmSync(tmp, { force: true });
      fs.mkdirSync(tmp);
    }
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  it('answers 503 "shutting down" once draining, while /healthz (liveness) stays 200', async () => {
    const readiness = new Readiness(t.deps);
    const app = await buildApp(t.deps, { readiness });
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      readiness.drain();
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'shutting down' });
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('answers 503 naming the database when it does not answer', async () => {
    const broken = await makeTestApp();
    try {
      await broken.deps.db.destroy();
      const res = await broken.app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'not ready', database: 'unreachable', storage: 'ok' });
    } finally {
      await broken.close();
    }
  });
});

describe('request IDs and logs', () => {
  let t: TestApp;
  let logged: string[];
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await makeTestApp();
    logged = [];
    const stream = new Writable({
      write(chunk, _enc, cb) {
        logged.push(...String(chunk).split('\n').filter(Boolean));
        cb();
      },
    });
    app = await buildApp(t.deps, { logger: { level: 'info', stream } });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('takes a safe X-Request-Id from the caller and echoes it back', async () => {
    for (const id of ['abc-123_X.y', 'a'.repeat(64), '0f8fad5b-d9cb-469f-a165-70867728950e']) {
      const res = await app.inject({ method: 'GET', url: '/', headers: { 'x-request-id': id } });
      expect(res.headers['x-request-id']).toBe(id);
    }
  });

  it('makes a random UUID when there is none or it is not a safe token, also on a 404', async () => {
    const seen = new Set<string>();
    for (const id of [undefined, '', 'a'.repeat(65), 'has space', 'new\\nline', '<script>', 'a/b', 'ñandú']) {
      const res = await app.inject({ method: 'GET', url: '/no-such-page', headers: id === undefined ? {} : { 'x-request-id': id } });
      expect(res.statusCode).toBe(404);
      const got = String(res.headers['x-request-id']);
      expect(got).toMatch(UUID);
      seen.add(got);
    }
    expect(seen.size).toBe(8);
  });

  it('logs JSON lines under the request ID, without bodies, cookies, passwords or secret tokens', async () => {
    const user = await buildParent(t);
    const client = new TestClient(app);
    await client.get('/sign-in');
    const res = await client.post('/sign-in', { email: user.email, password: PASSWORD }, { 'x-request-id': 'sign-in-log-test', authorization: 'Basic c2VjcmV0OnNlY3JldA==' });
    expect(res.status).toBe(303);
    const token = 'Zk9xQ2V3aWxsbmV2ZXJiZWxvZ2dlZGluYW55bG9nbGluZQ';
    await client.get(`/activate/${token}?email=${encodeURIComponent(user.email)}`);

    const lines = logged.map((l) => JSON.parse(l) as Record<string, any>);
    const signIn = lines.filter((l) => l.reqId === 'sign-in-log-test');
    expect(signIn.map((l) => l.msg)).toEqual(['incoming request', 'request completed']);
    expect(signIn[0].req).toMatchObject({ method: 'POST', url: '/sign-in' });
    expect(signIn[1].res).toEqual({ statusCode: 303 });
    const activation = lines.find((l) => l.msg === 'incoming request' && String(l.req?.url).startsWith('/activate/'));
    expect(activation?.req.url).toBe('/activate/[redacted]?email=…');

    const all = logged.join('\n');
    const secrets = [PASSWORD, token, user.email, encodeURIComponent(user.email), 'c2VjcmV0OnNlY3JldA', client.csrf, ...client.cookies.values()];
    for (const secret of secrets) expect(all).not.toContain(secret);
  });

  it('masks only secret path segments', () => {
    expect(loggableUrl('/activate/resend')).toBe('/activate/resend');
    expect(loggableUrl('/staff/activate/abcDEF123_-xyz')).toBe('/staff/activate/[redacted]');
    expect(loggableUrl('/reset-password/abcDEF123_-xyz?x=1&y=2')).toBe('/reset-password/[redacted]?x=…&y=…');
    expect(loggableUrl('/staff/queue?q=Mateo&status=submitted')).toBe('/staff/queue?q=…&status=…');
    expect(loggableUrl('/applications/abc')).toBe('/applications/abc');
  });
});

/** Opens a raw connection, runs `send`, and reports when the server closed it and what it said. */
function rawConnection(port: number, send: (socket: net.Socket) => void): Promise<{ ms: number; received: string }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => send(socket));
    socket.on('data', (d) => (received += String(d)));
    socket.on('error', () => undefined); // a reset is a close too
    socket.on('close', () => resolve({ ms: Date.now() - started, received }));
    setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for 10 s; it said: ${received || 'nothing'}`));
    }, 10_000).unref();
  });
}

describe('slow clients are cut off', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await makeTestApp({ env: { HTTP_IDLE_TIMEOUT_SECONDS: '0.5', HTTP_HEADERS_TIMEOUT_SECONDS: '1', HTTP_REQUEST_TIMEOUT_SECONDS: '3' } });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => t.close());

  it('a POST whose headers promise a body that never comes is disconnected after the idle time-out', async () => {
    const r = await rawConnection(port, (s) =>
      s.write('POST /sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\n'),
    );
    expect(r.ms).toBeGreaterThanOrEqual(400);
    expect(r.ms).toBeLessThan(2500);
  });

  it('headers sent a line at a time, never finished, are cut off after the headers time-out', async () => {
    const r = await rawConnection(port, (s) => {
      s.write('GET / HTTP/1.1\r\nHost: localhost\r\n');
      const drip = setInterval(() => (s.writable ? s.write('X-Slow: 1\r\n') : clearInterval(drip)), 200);
      s.on('close', () => clearInterval(drip));
    });
    expect(r.ms).toBeGreaterThanOrEqual(900);
    expect(r.ms).toBeLessThan(3000);
    expect(r.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('a body trickled in byte by byte is cut off after the request time-out', async () => {
    const r = await rawConnection(port, (s) => {
      s.write('POST /sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n');
      const drip = setInterval(() => (s.writable ? s.write('a') : clearInterval(drip)), 200);
      s.on('close', () => clearInterval(drip));
    });
    expect(r.ms).toBeGreaterThanOrEqual(2900);
    expect(r.ms).toBeLessThan(5500);
  });

  it('a slow but steady upload within the request time-out is answered', async () => {
    const body = `email=slow%40example.org&password=${'x'.repeat(40)}`;
    const r = await rawConnection(port, (s) => {
      s.write(`POST /sign-in HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n`);
      const parts = body.match(/.{1,10}/g)!;
      const drip = setInterval(() => {
        const next = parts.shift();
        if (next && s.writable) s.write(next);
        if (!parts.length) clearInterval(drip);
      }, 300);
    });
    // Longer than the idle time-out, shorter than the request time-out: an answer (here, no CSRF token).
    expect(r.ms).toBeGreaterThan(1000);
    expect(r.received).toMatch(/^HTTP\/1\.1 (403|303|200)/);
  });
});

describe('graceful shutdown of the real server', () => {
  it('on SIGTERM, /readyz answers 503 while the server still serves, then it closes and exits 0', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-shutdown-'));
    const port = await new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const { port } = srv.address() as net.AddressInfo;
        srv.close(() => resolve(port));
      });
      srv.on('error', reject);
    });
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: url, LOG_LEVEL: 'info', SHUTDOWN_DELAY_SECONDS: '1.5', NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const res = await fetch(`${url}/readyz`).catch(() => null);
        if (res?.status === 200) break;
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`server did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      const home = await fetch(`${url}/`, { headers: { 'x-request-id': 'shutdown-test-1' } });
      expect(home.headers.get('x-request-id')).toBe('shutdown-test-1');

      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 300));
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({ status: 'shutting down' });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);

      expect(await exited).toBe(0);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
      const lines = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
      expect(lines.some((l) => l.reqId === 'shutdown-test-1' && l.msg === 'request completed')).toBe(true);
      expect(lines.some((l) => l.msg === 'shutting down' && l.signal === 'SIGTERM')).toBe(true);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
