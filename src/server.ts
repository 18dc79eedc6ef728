import { loadConfig } from './config.js';
import { wire } from './wire.js';
import { buildApp } from './app.js';
import { OutboxSender } from './platform/mail/sender.js';
import { openTransport } from './platform/mail/open-transport.js';
import { backgroundRunner, declareModules } from './modules/index.js';
import { Readiness } from './platform/ops/readiness.js';

/** Starts the web app and the outbox sender in one process; stops them gracefully. */
async function main(): Promise<void> {
  const config = loadConfig();
  const deps = await wire(config);
  const readiness = new Readiness(deps);
  // The modules are declared once: the app registers their routes, the runners run their steps.
  const modules = declareModules(deps);
  const app = await buildApp(deps, { logger: { level: config.logLevel }, readiness, modules });
  // A pool of MAIL_CONCURRENCY SMTP connections, kept open a while between messages (docs/adr/0021).
  const transport = openTransport(config.smtpUrl, config.mailDir, { maxConnections: config.mailConcurrency, keepIdleMs: 10_000 });
  // On SQLite its records go through the app's writer, so those of the messages in flight share a
  // commit (ADR 0015); on PostgreSQL each record is one statement committing on its own, which
  // the direct writer would only wrap in BEGIN and COMMIT (measured slower: docs/benchmarks.md).
  const writer = deps.dialect === 'sqlite' ? deps.writer : undefined;
  const sender = new OutboxSender(deps.db, transport, deps.clock, config.mailFrom, app.log, { concurrency: config.mailConcurrency, writer });
  sender.start(config.outboxIntervalMs);
  // Expired sessions and slid-by rate limit counters are ignored when read; this only keeps the tables small.
  const housekeeping = setInterval(() => {
    deps.sessions.purgeExpired().catch((e) => app.log.error({ err: e }, 'session purge failed'));
    deps.idempotency.purgeExpired().catch((e) => app.log.error({ err: e }, 'idempotency key purge failed'));
    deps.rateLimiter.purgeStale().catch((e) => app.log.error({ err: e }, 'rate limit purge failed'));
  }, 60 * 60_000);
  housekeeping.unref();
  // The modules' registered background steps (src/modules/index.ts), each safe on every instance
  // at once; a run still going is not started again.
  // DEC-4, DEC-15, DEC-17, DEC-11, DEC-12: deadlines move requests on their own, checked every minute.
  const sweep = backgroundRunner(deps, 'deadlines', modules);
  sweep.start(
    config.sweepIntervalMs,
    (r) => { if (r.abandoned || r.deemedDenied || r.appealWindowsClosed || r.staffReminders) app.log.info({ sweep: r }, 'deadlines swept'); },
    (e) => app.log.error({ err: e }, 'sweep failed'),
  );
  // PRV-3, DOC-6: unreferenced blobs and stale temporary files older than a day are removed.
  const clean = backgroundRunner(deps, 'files', modules);
  clean.start(
    config.fileCleanupIntervalMs,
    (r) => { if (r.blobsRemoved || r.temporaryFilesRemoved) app.log.info({ clean: r }, 'storage cleaned'); },
    (e) => app.log.error({ err: e }, 'storage clean-up failed'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    // /readyz answers 503 first; the load balancer notices within SHUTDOWN_DELAY_SECONDS and stops
    // sending requests, while this instance still serves whatever it is sent meanwhile.
    readiness.drain();
    app.log.info({ signal, delayMs: config.shutdownDelayMs }, 'shutting down');
    clearInterval(housekeeping);
    const stopped = Promise.all([sweep.stop(), clean.stop()]);
    try {
      if (config.shutdownDelayMs > 0) await new Promise((r) => setTimeout(r, config.shutdownDelayMs));
      await stopped;
      await app.close(); // finishes in-flight requests, refuses new ones
      await sender.stop();
      await deps.handle.close();
    } catch (e) {
      app.log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  await app.listen({ port: config.port, host: config.host });
  app.log.info(`Student Permits is running at ${config.publicUrl}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
