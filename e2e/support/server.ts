import { parseLocalInstant } from '../../src/platform/clock.js';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A TCP port nobody listens on now, on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * The moment the browser suite's server and CLI believe it is at their start (a training clock,
 * docs/operations.md), unless CLOCK_START is set: Monday, December 7, 2026, 9:00 in Los Angeles —
 * a school day of the sample districts' 2026-2027 year with their permit windows open. The suite's
 * days (a first day in the seat, a no-show's evening, a decision's deadline) are then the same on
 * any day it runs, in the summer break as in the school year.
 */
export const E2E_CLOCK_START = '2026-12-07T09:00';

/** The moment the suite's server believes it is now (its training clock started with this process, give or take a second). */
export function e2eNow(): Date {
  const start = parseLocalInstant(process.env.CLOCK_START ?? E2E_CLOCK_START)!;
  return new Date(start.getTime() + process.uptime() * 1000);
}

/** The real server, as `npm start` runs it, on a free port with its own fresh data folder. */
export async function startServer(): Promise<{ url: string; dataDir: string; stop(): Promise<void> }> {
  // The CLI the suites run reads the same variable, so it believes the same day.
  process.env.CLOCK_START ??= E2E_CLOCK_START;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-e2e-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, PUBLIC_URL: url, OUTBOX_INTERVAL_MS: '200', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) break;
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('server did not start in 30 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
