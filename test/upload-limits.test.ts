import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf, type Page } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { samplePdf } from './support/files.js';
import { createApplication } from './support/applications.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { loadConfig } from '../src/config.js';

const HOUR = 60 * 60_000;

/** A signed-in parent with one request, having read its page (for the CSRF token). */
async function setup(t: TestApp) {
  const { client, user } = await signedInParent(t);
  const student = await buildStudent(t, user.id);
  const app = await createApplication(t, user.id, student.id);
  await client.get(`/applications/${app.id}`);
  return { client, user, student, app };
}

const file = (code: string, filename: string, data: Buffer) => ({ field: `file_${code}`, filename, contentType: 'application/pdf', data });
/** A real PDF of about `bytes` bytes (spaces after the end marker: readers ignore them), different per `variant`. */
const pdfOf = (bytes: number, variant: string) => {
  const pdf = samplePdf(variant);
  return Buffer.concat([pdf, Buffer.alloc(Math.max(0, bytes - pdf.length), 0x20)]);
};
const docsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).execute();
const eventsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', id).execute();

/** Every file under `dir`, relative. */
function walk(dir: string, base = dir): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p, base) : [path.relative(base, p).split(path.sep).join('/')];
  });
}
/** What the file store holds: its blobs and its temporary files. */
const storeOf = (t: TestApp) => {
  const all = walk(path.join(t.dataDir, 'files'));
  return { blobs: all.filter((f) => !f.startsWith('tmp/')).sort(), temporary: all.filter((f) => f.startsWith('tmp/')) };
};

/** A multipart body with `count` small PDF parts, built by hand (no browser sends one this large). */
function manyParts(csrf: string, count: number): { body: Buffer; boundary: string } {
  const boundary = 'sptestmany';
  const chunks: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`)];
  for (let i = 0; i < count; i++) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file_other"; filename="part-${i}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`));
    chunks.push(samplePdf(`part ${i}`), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), boundary };
}

async function postRaw(t: TestApp, client: TestClient, url: string, body: Buffer, boundary: string): Promise<Page> {
  const res = await t.app.inject({
    method: 'POST', url, payload: body, remoteAddress: '10.5.5.5',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: res.statusCode, html: res.body, headers: res.headers, location: res.headers.location as string | undefined, body: res.rawPayload };
}

/** Opens the public upload page for a request with its four details, in a fresh browser. */
async function publicClient(t: TestApp, app: { confirmation_number: string }, ip: string): Promise<TestClient> {
  const c = new TestClient(t.app, ip);
  await c.get('/upload');
  const found = await c.post('/upload', { first_name: 'Mateo', last_name: 'Lopez', dob_month: '4', dob_day: '9', dob_year: '2018', confirmation: formatConfirmationNumber(app.confirmation_number) });
  expect(found.location).toBe('/upload/documents');
  await c.follow(found);
  return c;
}

for (const db of databases) {
  describe(`refused uploads leave nothing behind, on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // 0.05 MB = 52,428 bytes: the size limit tested without large buffers. At most 10 files.
      t = await makeTestApp({ dbUrl: db.url, env: { MAX_UPLOAD_MB: '0.05' } });
    });
    afterAll(async () => t.close());

    it('DOC-6 PRV-3 an oversized file, before or after good ones, leaves the store exactly as it was, and no row', async () => {
      const { client, app } = await setup(t);
      // One file already stored, so "as before" is not simply "empty".
      await client.follow(await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'release.pdf', samplePdf('kept'))]));
      const before = storeOf(t);
      expect(before.blobs).toHaveLength(1);
      const rowsBefore = (await docsOf(t, app.id)).length;
      const huge = pdfOf(3 * 52_428, 'huge'); // three times the limit, as a 30 MB scan is to 10 MB
      for (const files of [
        [file('report-card', 'report.pdf', samplePdf('good 1')), file('discipline', 'scan-600dpi.pdf', huge), file('attendance', 'attendance.pdf', samplePdf('good 2'))],
        [file('discipline', 'scan-600dpi.pdf', huge), file('report-card', 'report.pdf', samplePdf('good 3'))],
      ]) {
        const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, files);
        expect(res.status).toBe(303);
        const text = textOf((await client.follow(res)).html);
        expect(text).toContain('scan-600dpi.pdf is larger than 0.05 MB');
        expect(text).not.toContain('interrupted');
        expect(storeOf(t)).toEqual(before);
        expect(await docsOf(t, app.id)).toHaveLength(rowsBefore);
      }
    });

    it('DOC-6 the too-large answer names the limit in Spanish too, and does not say the upload was interrupted', async () => {
      const { client, app } = await setup(t);
      client.cookies.set('sp_lang', 'es');
      await client.get(`/applications/${app.id}`);
      const before = storeOf(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'carta.pdf', pdfOf(200_000, 'grande'))]);
      const text = textOf((await client.follow(res)).html);
      expect(text).toContain('carta.pdf pesa más de 0.05 MB');
      expect(text).not.toMatch(/interrump/i);
      expect(storeOf(t)).toEqual(before);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-6 PRV-3 an eleventh file refuses the whole upload and leaves the store exactly as it was', async () => {
      const { client, app } = await setup(t);
      const before = storeOf(t);
      const files = Array.from({ length: 11 }, (_, i) => file('other', `page-${i}.pdf`, samplePdf(`eleven ${i}`)));
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, files);
      expect(textOf((await client.follow(res)).html)).toContain('Send up to 10 files at a time');
      expect(storeOf(t)).toEqual(before);
      expect(await docsOf(t, app.id)).toHaveLength(0);
      expect(await eventsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-6 PRV-3 a request with 1,000 file parts is refused, never a server error, and leaves the store exactly as it was', async () => {
      const { client, app } = await setup(t);
      const before = storeOf(t);
      const { body, boundary } = manyParts(client.csrf, 1000);
      const res = await postRaw(t, client, `/applications/${app.id}/documents`, body, boundary);
      expect(res.status).toBe(303);
      expect(textOf((await client.follow(res)).html)).toContain('Send up to 10 files at a time');
      expect(storeOf(t)).toEqual(before);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-6 PRV-3 a refused upload without an account leaves nothing behind either', async () => {
      const { app } = await setup(t);
      const c = await publicClient(t, app, '10.66.0.1');
      const before = storeOf(t);
      const res = await c.postMultipart('/upload/documents', {}, [file('release', 'release.pdf', samplePdf('public good')), file('report-card', 'big.pdf', pdfOf(100_000, 'public big'))]);
      const text = textOf((await c.follow(res)).html);
      expect(text).toContain('big.pdf is larger than 0.05 MB');
      expect(text).not.toContain('interrupted');
      expect(storeOf(t)).toEqual(before);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-6 an accepted upload still stores each file under its key and leaves no temporary file', async () => {
      const { client, app } = await setup(t);
      const before = storeOf(t);
      await client.follow(await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'a.pdf', samplePdf('accepted a')), file('other', 'b.pdf', samplePdf('accepted b'))]));
      const docs = await docsOf(t, app.id);
      expect(docs).toHaveLength(2);
      const after = storeOf(t);
      expect(after.temporary).toEqual([]);
      expect(after.blobs).toEqual([...before.blobs, ...docs.map((d) => d.storage_key)].sort());
    });
  });

  describe(`hourly upload allowance, on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // 3 files and 0.01 MB (10,486 bytes) an hour: small enough to reach in a test.
      t = await makeTestApp({ dbUrl: db.url, env: { UPLOAD_FILES_PER_HOUR: '3', UPLOAD_MB_PER_HOUR: '0.01' } });
    });
    afterAll(async () => t.close());

    const upload = async (client: TestClient, url: string, names: string[], bytes = 1500) => {
      const res = await client.postMultipart(url, {}, names.map((n) => file('other', `${n}.pdf`, pdfOf(bytes, n))));
      return textOf((await client.follow(res)).html);
    };
    const LIMIT = 'You can send up to 3 files and 0.01 MB in one hour, and this upload would go over that. Nothing from it was saved.';

    it('DOC-6 PRV-3 an account sends at most the configured files per hour, across its requests; an upload over it is refused whole and stores nothing', async () => {
      const { client, user, student, app } = await setup(t);
      const second = await createApplication(t, user.id, student.id);
      expect(await upload(client, `/applications/${app.id}/documents`, ['f1', 'f2'])).toContain('We received 2 files');
      // Two more would make four: refused, nothing kept, and the allowance not used up by the refusal.
      await client.get(`/applications/${second.id}`);
      const before = storeOf(t);
      expect(await upload(client, `/applications/${second.id}/documents`, ['f3', 'f4'])).toContain(LIMIT);
      expect(storeOf(t)).toEqual(before);
      expect(await docsOf(t, second.id)).toHaveLength(0);
      // One more fits exactly; after it, even one is refused before anything is read.
      expect(await upload(client, `/applications/${second.id}/documents`, ['f3'])).toContain('We received 1 file.');
      expect(await upload(client, `/applications/${second.id}/documents`, ['f4'])).toContain(LIMIT);
      expect(await docsOf(t, second.id)).toHaveLength(1);
      // The allowance comes back with time: within an hour, all of it (the parent keeps the session alive).
      for (let i = 0; i < 3; i++) {
        t.clock.advance(HOUR / 3);
        await client.get(`/applications/${second.id}`);
      }
      expect(await upload(client, `/applications/${second.id}/documents`, ['f5', 'f6', 'f7'])).toContain('We received 3 files');
    });

    it('DOC-6 PRV-3 an account sends at most the configured megabytes per hour, counted in actual bytes', async () => {
      const { client, app } = await setup(t);
      const url = `/applications/${app.id}/documents`;
      expect(await upload(client, url, ['b1', 'b2'], 4000)).toContain('We received 2 files');
      // 8,000 + 4,000 bytes pass 10,486: refused, although a third file is within the file count.
      expect(await upload(client, url, ['b3'], 4000)).toContain(LIMIT);
      // What the refusal did not use is still there: a small third file fits.
      expect(await upload(client, url, ['b4'], 1500)).toContain('We received 1 file.');
      expect((await docsOf(t, app.id)).map((d) => d.original_name).sort()).toEqual(['b1.pdf', 'b2.pdf', 'b4.pdf']);
    });

    it('DOC-6 PRV-3 without an account the allowance is per request found, whoever looks it up again; the account has its own', async () => {
      const { client, app } = await setup(t);
      const first = await publicClient(t, app, '10.67.0.1');
      expect(await upload(first, '/upload/documents', ['p1', 'p2', 'p3'])).toContain('We received 3 files');
      // Another browser, another address, the same four details: the same allowance, used up.
      const again = await publicClient(t, app, '10.67.0.2');
      const before = storeOf(t);
      expect(await upload(again, '/upload/documents', ['p4'])).toContain(LIMIT);
      expect(storeOf(t)).toEqual(before);
      // The parent's own account is not held back by uploads from the public page.
      expect(await upload(client, `/applications/${app.id}/documents`, ['a1'])).toContain('We received 1 file.');
      expect((await docsOf(t, app.id)).map((d) => [d.original_name, d.uploaded_via]).sort()).toEqual([
        ['a1.pdf', 'account'], ['p1.pdf', 'public'], ['p2.pdf', 'public'], ['p3.pdf', 'public'],
      ]);
    });

    it('PRV-3 an upload the store fails to keep is not counted against the allowance', async () => {
      const { client, app } = await setup(t);
      const stage = t.deps.storage.stage.bind(t.deps.storage);
      // The disk fills up as the accepted files are put under their keys.
      t.deps.storage.stage = async (source, opts) => {
        const staged = await stage(source, opts);
        return { ...staged, commit: async () => { throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'rename' }); } };
      };
      try {
        expect(await upload(client, `/applications/${app.id}/documents`, ['s1', 's2', 's3'])).toContain('We could not save your files just now, and nothing was kept.');
      } finally {
        t.deps.storage.stage = stage;
      }
      expect(await docsOf(t, app.id)).toHaveLength(0);
      expect(storeOf(t).temporary).toEqual([]);
      expect(await upload(client, `/applications/${app.id}/documents`, ['s1', 's2', 's3'])).toContain('We received 3 files');
    });

    it('DOC-6 the hourly limit is explained in Spanish', async () => {
      const { client, app } = await setup(t);
      client.cookies.set('sp_lang', 'es');
      await client.get(`/applications/${app.id}`);
      const text = await upload(client, `/applications/${app.id}/documents`, ['e1', 'e2', 'e3', 'e4']);
      expect(text).toContain('Puede enviar hasta 3 archivos y 0.01 MB en una hora, y este envío pasaría de ese límite. No se guardó nada.');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });
  });
}

describe('upload allowance settings', () => {
  it('DOC-6 PRV-3 are read from UPLOAD_FILES_PER_HOUR and UPLOAD_MB_PER_HOUR, 100 files and 200 MB by default', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' } as NodeJS.ProcessEnv);
    expect(defaults.uploadFilesPerHour).toBe(100);
    expect(defaults.uploadBytesPerHour).toBe(200 * 1024 * 1024);
    expect(defaults.fileCleanupIntervalMs).toBe(HOUR);
    const set = loadConfig({ NODE_ENV: 'test', UPLOAD_FILES_PER_HOUR: '40', UPLOAD_MB_PER_HOUR: '2.5', FILE_CLEANUP_INTERVAL_MINUTES: '0' } as NodeJS.ProcessEnv);
    expect(set.uploadFilesPerHour).toBe(40);
    expect(set.uploadBytesPerHour).toBe(Math.round(2.5 * 1024 * 1024));
    expect(set.fileCleanupIntervalMs).toBe(0);
    expect(() => loadConfig({ NODE_ENV: 'test', UPLOAD_FILES_PER_HOUR: '0' } as NodeJS.ProcessEnv)).toThrow(/UPLOAD_FILES_PER_HOUR/);
  });
});
