import { performance } from 'node:perf_hooks';
import { enqueueEmail } from '../src/platform/mail/outbox.js';
import { OutboxSender } from '../src/platform/mail/sender.js';
import { openTransport } from '../src/platform/mail/open-transport.js';
import type { MailCount } from './families.js';
import { FamiliesChild } from './mail-child.js';
import { env, int, machineLine, stamp, startApp, table, verdict, writeSection } from './support.js';

/**
 * Outbox throughput (issue 13): BENCH_MESSAGES emails enqueued (as the app writes them, 100 per
 * transaction), then the outbox sender started as src/server.ts starts it, sending to a local
 * SMTP sink (smtp-server, in a child process: bench/families.ts) until the sink has them all.
 * Exactly-once checked at the end: as many messages at the sink as enqueued, no Message-ID twice,
 * every row 'sent'. At MAIL_CONCURRENCY 5 (the default) and more (BENCH_CONCURRENCY).
 *
 *   npm run bench:outbox                                         (SQLite)
 *   PGPORT_TEST=55433 scripts/with-postgres.sh npm run bench:outbox   (also PostgreSQL)
 */
const MESSAGES = env('BENCH_MESSAGES', 3_000);
const LEVELS = (process.env.BENCH_CONCURRENCY ?? '5,10,20').split(',').map(Number);
const GOAL = 300;

console.log(machineLine());
const families = new FamiliesChild();
const smtpUrl = await families.sink();

interface Result {
  db: string;
  concurrency: number;
  shared: boolean;
  messages: number;
  received: number;
  distinct: number;
  twice: number;
  enqueueSeconds: number;
  seconds: number;
  perSecond: number;
  cpuMsPerMessage: number;
  sink: MailCount;
  rowsSent: number;
}
const results: Result[] = [];
let delivered = 0;

async function measure(dbName: string, databaseUrl: string | undefined, concurrency: number, shared: boolean, messages = MESSAGES, keep = true): Promise<void> {
  const t = await startApp({ databaseUrl, env: { MAIL_CONCURRENCY: String(concurrency) } });
  try {
    const started = performance.now();
    const nowIso = t.deps.clock.now().toISOString();
    const tag = `${dbName}-${concurrency}-${Date.now().toString(36)}`;
    for (let i = 0; i < messages; i += 100) {
      await t.deps.db.transaction().execute(async (trx) => {
        for (let j = i; j < Math.min(messages, i + 100); j++) {
          await enqueueEmail(trx, t.deps.catalogs, {
            dedupeKey: `bench-${tag}-${j}@outbox.bench`,
            to: `family-${j}@families.example.org`,
            language: j % 3 ? 'en' : 'es',
            template: 'accounts.emails.activation',
            params: { firstName: 'María', link: `${t.deps.config.publicUrl}/activate/bench${j}`, hours: 48 },
          }, nowIso);
        }
      });
    }
    const enqueueSeconds = (performance.now() - started) / 1000;
    const config = t.deps.config;
    const transport = openTransport(smtpUrl, config.mailDir, { maxConnections: config.mailConcurrency, keepIdleMs: 10_000 });
    const sender = new OutboxSender(t.deps.db, transport, t.deps.clock, config.mailFrom, { error: (o, m) => console.error(m, o) }, { concurrency: config.mailConcurrency, writer: shared ? t.deps.writer : undefined });
    const before = await families.run<MailCount>({ kind: 'mail-count' });
    const cpu = process.cpuUsage();
    const from = performance.now();
    sender.start(config.outboxIntervalMs);
    const sink = await families.run<MailCount>({ kind: 'await-mail', count: delivered + messages });
    const seconds = (performance.now() - from) / 1000;
    const used = process.cpuUsage(cpu);
    await sender.whenIdle();
    await sender.stop();
    delivered += messages;
    const rows = await t.deps.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'sent').executeTakeFirstOrThrow();
    const r: Result = { db: dbName, concurrency, shared, messages, received: sink.received - before.received, distinct: sink.distinctIds - before.distinctIds, twice: sink.duplicates - before.duplicates, enqueueSeconds, seconds, perSecond: messages / seconds, cpuMsPerMessage: (used.user + used.system) / 1000 / messages, sink, rowsSent: Number(rows.n) };
    if (keep) results.push(r);
    console.log(`  ${dbName} ${concurrency} at a time, ${shared ? 'records through the writer' : 'each record its own commit'}: ${int(messages)} in ${seconds.toFixed(2)} s = ${int(r.perSecond)}/s, CPU ${r.cpuMsPerMessage.toFixed(2)} ms each; sink ${r.received} (${r.distinct} distinct ids, ${r.twice} twice), rows sent ${r.rowsSent}`);
  } finally {
    await t.close();
  }
}

const dbs: [string, string | undefined][] = [['SQLite', undefined]];
if (process.env.TEST_DATABASE_URL) dbs.push(['PostgreSQL', process.env.TEST_DATABASE_URL]);
for (const [name, url] of dbs) {
  console.log(`${name}: ${int(MESSAGES)} messages`);
  await measure(name, url, 5, true, 300, false); // warm-up: compiled code, the sink's first connections
  for (const c of LEVELS) for (const shared of [false, true]) await measure(name, url, c, shared);
}
families.close();

// The sink counts every message of the run; each level's exactly-once is its own part of it.
const rows = results.map((r) => {
  const once = r.received === r.messages && r.distinct === r.messages && r.twice === 0 && r.rowsSent === r.messages;
  return [r.db, r.concurrency, r.shared ? 'through the writer' : 'each its own', int(r.perSecond), `${r.seconds.toFixed(2)} s`, `${r.cpuMsPerMessage.toFixed(2)} ms`, `${int(r.received)} / ${int(r.distinct)} / ${r.twice}`, once ? 'yes' : '**no**', `${r.enqueueSeconds.toFixed(2)} s`];
});
const allOnce = rows.every((r) => r[7] === 'yes');
const asServerRunsIt = (r: Result) => r.shared === (r.db === 'SQLite'); // src/server.ts: the writer on SQLite only
const atDefault = results.filter((r) => r.concurrency === 5 && asServerRunsIt(r));

const md = `## Outbox throughput (\`npm run bench:outbox\`)

Run ${stamp()}. ${machineLine()}.

${int(MESSAGES)} activation emails enqueued (rendered as the app renders them, 100 per
transaction), then the outbox sender started as \`src/server.ts\` starts it (its pool of
MAIL_CONCURRENCY SMTP connections, kept open between messages) against a local SMTP sink
(smtp-server) in a child process, timed until the sink has them all. Exactly-once: messages at
the sink / distinct Message-IDs / Message-IDs seen twice, and every row 'sent'. CPU is the app
process's per message. Each level twice: each message's records (the hand-over before the final
dot, then 'sent') committed on their own, and through the app's writer (\`deps.writer\`), where on
SQLite the records of the messages in flight share one commit (ADR 0015).

${table(['database', 'MAIL_CONCURRENCY', 'records committed', 'messages/s', 'all delivered in', 'CPU per message', 'at the sink / distinct / twice', 'exactly once', 'enqueue took'], rows)}

Goal ≥ ${GOAL} messages/s at the default MAIL_CONCURRENCY=5, as src/server.ts runs it (through the writer on SQLite, each record its own commit on PostgreSQL) — ${verdict(atDefault.length > 0 && atDefault.every((r) => r.perSecond >= GOAL))}; exactly once — ${verdict(allOnce)}.
`;
console.log(`\n${md}`);
if (!process.env.BENCH_NO_WRITE) writeSection('outbox', md);
