import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { samplePdf } from './support/files.js';
import { newId } from '../src/platform/ids.js';
import { generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { insertNameWords } from '../src/modules/applications/repository.js';
import { StorageJanitor } from '../src/modules/documents/janitor.js';
import { BLOB_REFERENCES } from '../src/modules/documents/repository.js';
import { S3Storage } from '../src/platform/storage/s3.js';
import type { FileStorage } from '../src/platform/storage/storage.js';

const DAY = 24 * 60 * 60_000;
const run = promisify(execFile);

// s3rver ships no types: the little of it used here.
type S3rverServer = { run(): Promise<net.AddressInfo>; close(): Promise<void> };
const S3rver = createRequire(import.meta.url)('s3rver') as new (opts: Record<string, unknown>) => S3rverServer;

const tmpFolder = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `sp-janitor-${name}-`));
const keyOf = (b: Buffer) => {
  const d = createHash('sha256').update(b).digest('hex');
  return `${d.slice(0, 2)}/${d.slice(2, 4)}/${d}`;
};
const put = (storage: FileStorage, data: Buffer) => storage.put(Readable.from([data]), { maxBytes: 10_000_000 });

async function listAll(storage: FileStorage): Promise<string[]> {
  const keys: string[] = [];
  for await (const page of storage.list()) keys.push(...page.map((b) => b.key));
  return keys;
}

/**
 * Everything written so far is "over a day old" once the clock is a day past the returned moment;
 * everything written after it is fresh. S3 gives times to the second, so the moment is the next
 * whole second, and this waits until it has passed.
 */
async function dividingLine(): Promise<Date> {
  const at = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000);
  while (Date.now() < at.getTime() + 50) await new Promise((r) => setTimeout(r, 25));
  return at;
}

/** A request with `count` documents uploaded through the app: their blobs are referenced. */
async function requestWithDocuments(t: TestApp, files: Buffer[]) {
  const { client, user } = await signedInParent(t);
  const student = await buildStudent(t, user.id);
  const now = t.clock.now().toISOString();
  const row = {
    id: newId(), confirmation_number: generateConfirmationNumber(), kind: 'incoming' as const, account_id: user.id, student_id: student.id,
    district_id: 'lausd-sample', school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason_code: 'parent-employment',
    requested_school_id: 'lausd-sample:1001', relationship: 'parent', decision_email: 'p@example.org', language: 'en', status: 'incomplete',
    submission_key: newId(), student_first_name: 'Mateo', student_last_name: 'López', student_date_of_birth: '2018-04-09', received_at: now, updated_at: now, decision_due_on: '2026-12-22', priority: 0,
  };
  await t.deps.db.insertInto('applications').values(row).execute();
  await insertNameWords(t.deps.db, row);
  await client.get(`/applications/${row.id}`);
  const upload = (data: Buffer[]) =>
    client.postMultipart(`/applications/${row.id}/documents`, {}, data.map((d, i) => ({ field: 'file_other', filename: `doc-${i}.pdf`, contentType: 'application/pdf', data: d })));
  const res = await upload(files);
  expect(res.status).toBe(303);
  const keys = async () => (await t.deps.db.selectFrom('documents').select('storage_key').where('application_id', '=', row.id).execute()).map((d) => d.storage_key);
  expect(await keys()).toHaveLength(files.length);
  return { id: row.id, upload, keys };
}

interface Store {
  name: string;
  /** Environment for the test app, and the folder where the store keeps its temporary files. */
  open(): Promise<{ env: Record<string, string>; tmpDir: (t: TestApp) => string; opened(): void; close(): Promise<void> }>;
}

const stores: Store[] = [
  {
    name: 'folder',
    open: async () => ({ env: {}, tmpDir: (t) => path.join(t.dataDir, 'files', 'tmp'), opened: () => {}, close: async () => {} }),
  },
  {
    name: 'S3 (s3rver)',
    open: async () => {
      const directory = tmpFolder('s3rver');
      const server = new S3rver({ address: '127.0.0.1', port: 0, directory, silent: true });
      const { port } = await server.run();
      const endpoint = `http://127.0.0.1:${port}`;
      const bucket = `janitor-${randomBytes(4).toString('hex')}`;
      const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
      const admin = new S3Storage({ bucket, endpoint, forcePathStyle: true }, { credentials });
      await admin.client.send(new CreateBucketCommand({ Bucket: bucket }));
      admin.destroy();
      // The app's S3 store finds credentials as in production (AWS_* variables) and spools
      // uploads in the system temporary folder (TMPDIR): here, a folder of this test's own.
      const spool = tmpFolder('spool');
      const saved = { key: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY, tmp: process.env.TMPDIR };
      process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
      const restore = () => {
        for (const [name, value] of [['AWS_ACCESS_KEY_ID', saved.key], ['AWS_SECRET_ACCESS_KEY', saved.secret], ['TMPDIR', saved.tmp]] as const) {
          if (value === undefined) delete process.env[name];
          else process.env[name] = value;
        }
      };
      process.env.TMPDIR = spool;
      return {
        env: { STORAGE_URL: `s3://${bucket}?endpoint=${encodeURIComponent(endpoint)}&region=us-east-1&forcePathStyle=true` },
        tmpDir: () => spool,
        // The store has fixed its temporary folder; the SDK reads the credentials when it first needs them.
        opened: () => {
          if (saved.tmp === undefined) delete process.env.TMPDIR;
          else process.env.TMPDIR = saved.tmp;
        },
        close: async () => {
          restore();
          await server.close();
          fs.rmSync(directory, { recursive: true, force: true });
          fs.rmSync(spool, { recursive: true, force: true });
        },
      };
    },
  },
];

for (const db of databases) {
  for (const store of stores) {
    describe(`storage clean-up on ${db.name}, ${store.name}`, () => {
      let t: TestApp;
      let s: Awaited<ReturnType<Store['open']>>;
      beforeAll(async () => {
        s = await store.open();
        t = await makeTestApp({ dbUrl: db.url, env: s.env });
        s.opened();
      });
      afterAll(async () => {
        (t?.deps.storage as { destroy?: () => void } | undefined)?.destroy?.();
        await t?.close();
        await s?.close();
      });

      it('PRV-3 removes an unreferenced blob and a stale temporary file older than a day; keeps referenced blobs, fresh ones, and fresh temporary files', async () => {
        const request = await requestWithDocuments(t, [samplePdf('kept 1'), samplePdf('kept 2')]);
        const referenced = await request.keys();
        const orphan = await put(t.deps.storage, samplePdf('left by a failed upload'));
        const line = await dividingLine();
        const fresh = await put(t.deps.storage, samplePdf('being recorded right now'));
        const tmp = s.tmpDir(t);
        fs.mkdirSync(tmp, { recursive: true });
        const stale = path.join(tmp, `upload-${line.getTime() - DAY}-${'a'.repeat(16)}`);
        const current = path.join(tmp, `upload-${Date.now()}-${'b'.repeat(16)}`);
        fs.writeFileSync(stale, 'half an upload, cut off by a restart');
        fs.writeFileSync(current, 'an upload in progress');
        fs.utimesSync(stale, new Date(line.getTime() - 60_000), new Date(line.getTime() - 60_000));
        t.clock.set(new Date(line.getTime() + DAY));

        const report = await new StorageJanitor(t.deps).runOnce();
        expect(report).toEqual({ blobsChecked: referenced.length + 2, blobsRemoved: 1, temporaryFilesRemoved: 1 });
        expect(await t.deps.storage.exists(orphan.key)).toBe(false);
        for (const key of [...referenced, fresh.key]) expect(await t.deps.storage.exists(key)).toBe(true);
        expect(fs.existsSync(stale)).toBe(false);
        expect(fs.existsSync(current)).toBe(true);
        // Idempotent: a second run finds nothing more to do.
        expect(await new StorageJanitor(t.deps).runOnce()).toEqual({ blobsChecked: referenced.length + 1, blobsRemoved: 0, temporaryFilesRemoved: 0 });
        // Clean for the next test: nothing unreferenced is left but the fresh blob, removed once it is old too.
        fs.rmSync(current);
        t.clock.set(new Date(Date.now() + DAY + 60_000));
        expect((await new StorageJanitor(t.deps).runOnce()).blobsRemoved).toBe(1);
        expect((await listAll(t.deps.storage)).sort()).toEqual([...referenced].sort());
      });

      it('PRV-3 two clean-ups at once, with an upload of the same bytes as an old unreferenced blob, lose nothing and remove each blob once', async () => {
        const before = await listAll(t.deps.storage);
        const request = await requestWithDocuments(t, [samplePdf('referenced a'), samplePdf('referenced b'), samplePdf('referenced c')]);
        const orphans = await Promise.all(Array.from({ length: 30 }, (_, i) => put(t.deps.storage, samplePdf(`orphan ${i}`))));
        const again = samplePdf('orphan 7'); // a parent sends these very bytes while the clean-ups run
        const line = await dividingLine();
        t.clock.set(new Date(line.getTime() + DAY));

        // Small pages: each clean-up walks several pages and removes in several batches.
        const [a, b, uploaded] = await Promise.all([new StorageJanitor(t.deps, 7).runOnce(), new StorageJanitor(t.deps, 7).runOnce(), request.upload([again])]);
        expect(uploaded.status).toBe(303);
        const removedTwice = a.blobsRemoved + b.blobsRemoved;
        // Each blob was removed at most once; the re-sent one either stayed or was written again.
        expect(removedTwice === 30 || removedTwice === 29).toBe(true);
        const keys = await request.keys();
        expect(keys).toContain(keyOf(again));
        for (const key of keys) expect(await t.deps.storage.exists(key), key).toBe(true);
        // Every other orphan is gone; every referenced blob is there.
        const left = new Set(await listAll(t.deps.storage));
        for (const o of orphans) expect(left.has(o.key)).toBe(o.key === keyOf(again));
        expect([...left].sort()).toEqual([...new Set([...before, ...keys])].sort());
      });
    });
  }
}

describe('storage references', () => {
  it('PRV-3 the clean-up checks every column of the schema that holds a storage key', () => {
    const schema = fs.readFileSync(path.resolve('src/platform/db/schema.ts'), 'utf8');
    const tableOf = new Map([...schema.matchAll(/^\s+(\w+): (\w+Table);$/gm)].map((m) => [m[2], m[1]]));
    const holding: { table: string; column: string }[] = [];
    for (const m of schema.matchAll(/export interface (\w+Table) \{([\s\S]*?)\n\}/g)) {
      for (const c of m[2].matchAll(/^\s+(\w*(?:storage|blob|document_key)\w*)\??:/gm)) holding.push({ table: tableOf.get(m[1]) ?? m[1], column: c[1] });
    }
    expect(holding.length).toBeGreaterThan(0);
    expect(holding).toEqual(BLOB_REFERENCES.map((r) => ({ table: r.table, column: r.column })));
  });
});

describe('npm run cli -- clean-files', () => {
  it('PRV-3 removes an old unreferenced file and a stale temporary file, and says so', async () => {
    const dataDir = tmpFolder('cli');
    try {
      const data = samplePdf('never recorded');
      const blob = path.join(dataDir, 'files', keyOf(data));
      fs.mkdirSync(path.dirname(blob), { recursive: true });
      fs.writeFileSync(blob, data);
      fs.mkdirSync(path.join(dataDir, 'files', 'tmp'), { recursive: true });
      const stale = path.join(dataDir, 'files', 'tmp', `upload-${Date.now()}-${'c'.repeat(16)}`);
      fs.writeFileSync(stale, 'cut off');
      const twoDaysAgo = new Date(Date.now() - 2 * DAY);
      fs.utimesSync(blob, twoDaysAgo, twoDaysAgo);
      fs.utimesSync(stale, twoDaysAgo, twoDaysAgo);
      const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      delete env.DATABASE_URL;
      delete env.STORAGE_URL;
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'clean-files'], { env }).catch((e: { stdout?: string; stderr?: string }) => {
        throw new Error(`clean-files failed: ${e.stderr ?? ''}${e.stdout ?? ''}`);
      });
      expect(stdout).toContain('Files checked: 1');
      expect(stdout).toContain('Unreferenced files removed: 1');
      expect(stdout).toContain('Temporary files removed: 1');
      expect(fs.existsSync(blob)).toBe(false);
      expect(fs.existsSync(stale)).toBe(false);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
