import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { samplePdf, sampleJpeg, samplePng, sampleHeic, textRenamedPdf } from './support/files.js';
import { newId } from '../src/platform/ids.js';
import { formatConfirmationNumber, generateConfirmationNumber } from '../src/modules/applications/confirmation-number.js';

const REQUIRED = ['release', 'report-card', 'discipline', 'attendance', 'pay-stub', 'employer-letter'];

async function application(t: TestApp, accountId: string, studentId: string) {
  const now = t.clock.now().toISOString();
  const row = {
    id: newId(), confirmation_number: generateConfirmationNumber(), kind: 'incoming' as const, account_id: accountId, student_id: studentId,
    district_id: 'lausd-sample', school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason_code: 'parent-employment',
    requested_school_id: 'lausd-sample:1001', relationship: 'parent', decision_email: 'p@example.org', language: 'en', status: 'incomplete',
    submission_key: newId(), student_first_name: 'Mateo', student_last_name: 'López', student_date_of_birth: '2018-04-09', received_at: now, updated_at: now, decision_due_on: '2026-12-22', priority: 0,
  };
  await t.deps.db.insertInto('applications').values(row).execute();
  return row;
}

async function setup(t: TestApp) {
  const { client, user } = await signedInParent(t);
  const student = await buildStudent(t, user.id);
  const app = await application(t, user.id, student.id);
  await client.get(`/applications/${app.id}`);
  return { client, user, app };
}

const file = (code: string, filename: string, data: Buffer, contentType = 'application/pdf') => ({ field: `file_${code}`, filename, contentType, data });
const docsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).execute();

function pdfText(pdf: Buffer): string {
  const tmp = path.join(os.tmpdir(), `receipt-${Date.now()}-${Math.random()}.pdf`);
  fs.writeFileSync(tmp, pdf);
  try {
    // pdftotext comes with Debian's poppler-utils (installed by .ci/run).
    return execFileSync('pdftotext', ['-layout', tmp, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

for (const db of databases) {
  describe(`documents on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, env: { MAX_UPLOAD_MB: '0.05', MAX_FILES_PER_UPLOAD: '8' } });
    });
    afterAll(async () => t.close());

    it('DOC-6 accepts PDF, JPEG, PNG and HEIC, typed from their content, and stores them by content hash', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', 'release.pdf', samplePdf()),
        file('report-card', 'IMG_0001.JPG', sampleJpeg(), 'image/jpeg'),
        file('discipline', 'scan.png', samplePng(), 'image/png'),
        file('attendance', 'IMG_0002.HEIC', sampleHeic(), 'image/heic'),
      ]);
      expect(res.status).toBe(303);
      const docs = await docsOf(t, app.id);
      expect(docs.map((d) => d.content_type).sort()).toEqual(['application/pdf', 'image/heic', 'image/jpeg', 'image/png']);
      for (const d of docs) {
        expect(d.storage_key.endsWith(d.sha256)).toBe(true);
        expect(fs.existsSync(path.join(t.dataDir, 'files', d.storage_key))).toBe(true);
      }
      const page = await client.follow(res);
      expect(textOf(page.html)).toContain('We received 4 file(s)');
      expect(textOf(page.html)).toContain('release.pdf');
    });

    it('APP-11 the request stays incomplete until the required documents are in, then is received', async () => {
      const { client, app } = await setup(t);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, REQUIRED.slice(0, 3).map((c) => file(c, `${c}.pdf`, samplePdf(c))));
      let row = await t.deps.db.selectFrom('applications').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('incomplete');
      const page = await client.get(`/applications/${app.id}`);
      expect(textOf(page.html)).toContain('Missing');
      await client.postMultipart(`/applications/${app.id}/documents`, {}, REQUIRED.slice(3).map((c) => file(c, `${c}.pdf`, samplePdf(c))));
      row = await t.deps.db.selectFrom('applications').selectAll().where('id', '=', app.id).executeTakeFirstOrThrow();
      expect(row.status).toBe('submitted');
      const events = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', app.id).where('to_status', '=', 'submitted').execute();
      expect(events).toHaveLength(1);
    });

    it('DOC-6 refuses a text file renamed .pdf, an empty file and an oversized one; a bad file means nothing of the upload is kept', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', 'good.pdf', samplePdf()),
        file('report-card', 'notes.pdf', textRenamedPdf()),
        file('discipline', 'empty.pdf', Buffer.alloc(0)),
        file('attendance', 'huge.pdf', Buffer.concat([samplePdf(), Buffer.alloc(60 * 1024, 0x20)])),
      ]);
      expect(res.status).toBe(303);
      const page = await client.follow(res);
      const text = textOf(page.html);
      expect(text).toContain('notes.pdf is not a PDF, JPEG, PNG or HEIC file');
      expect(text).toContain('empty.pdf is empty');
      expect(text).toContain('huge.pdf is larger than');
      expect(await docsOf(t, app.id)).toHaveLength(0);
      // The message shows once, then is gone.
      expect(textOf((await client.get(`/applications/${app.id}`)).html)).not.toContain('notes.pdf');
    });

    it('DOC-6 refuses too many files at once, keeping none', async () => {
      const { client, app } = await setup(t);
      const files = Array.from({ length: 9 }, (_, i) => file('other', `f${i}.pdf`, samplePdf(String(i))));
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, files);
      const page = await client.follow(res);
      expect(textOf(page.html)).toContain('Send up to 8 files at a time');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('refuses an upload without a valid CSRF token, and stores nothing', async () => {
      const { client, app } = await setup(t);
      client.csrf = 'forged-token';
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'r.pdf', samplePdf())]);
      expect(res.status).toBe(403);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('PRV-1 another parent can neither upload to a request nor read its receipt', async () => {
      const { app } = await setup(t);
      const other = await signedInParent(t);
      await other.client.get('/account');
      const res = await other.client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'r.pdf', samplePdf())]);
      expect(res.status).toBe(404);
      expect((await other.client.get(`/applications/${app.id}/receipt.pdf`)).status).toBe(404);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-2 the receipt is a real PDF listing each file with its time and size', async () => {
      const { client, app } = await setup(t);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'release-letter.pdf', samplePdf()), file('pay-stub', 'talon-de-pago.jpg', sampleJpeg(), 'image/jpeg')]);
      const res = await client.get(`/applications/${app.id}/receipt.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(String(res.headers['content-disposition'])).toContain('attachment');
      expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
      const text = pdfText(res.body);
      expect(text).toContain('release-letter.pdf');
      expect(text).toContain('talon-de-pago.jpg');
      expect(text).toContain(formatConfirmationNumber(app.confirmation_number));
      expect(text).toMatch(/Sunday, November 22, 2026/);
    });

    it('DOC-1 uploads without an account when all four details match, and refuses when any one does not', async () => {
      const { app } = await setup(t);
      const c = new TestClient(t.app, '10.77.0.1');
      await c.get('/upload');
      const good = { first_name: 'mateo', last_name: 'LOPEZ', dob_month: '4', dob_day: '9', dob_year: '2018', confirmation: formatConfirmationNumber(app.confirmation_number).toLowerCase() };
      for (const wrong of [{ first_name: 'Mario' }, { last_name: 'Perez' }, { dob_day: '10' }]) {
        const res = await c.post('/upload', { ...good, ...wrong });
        expect(res.status).toBe(400);
        expect(textOf(res.html)).toContain('These details do not match a request');
      }
      const typo = await c.post('/upload', { ...good, confirmation: `${app.confirmation_number.slice(0, 8)}${app.confirmation_number[8] === '0' ? '1' : '0'}` });
      expect(textOf(typo.html)).toContain('Check the confirmation number');
      const ok = await c.post('/upload', good);
      expect(ok.status).toBe(303);
      const page = await c.follow(ok);
      expect(textOf(page.html)).toContain('Upload documents for this request');
      const up = await c.postMultipart('/upload/documents', {}, [file('release', 'from-library.pdf', samplePdf())]);
      expect(up.status).toBe(303);
      const docs = await docsOf(t, app.id);
      expect(docs.map((d) => [d.original_name, d.uploaded_via])).toEqual([['from-library.pdf', 'public']]);
      const receipt = await c.get('/upload/receipt.pdf');
      expect(pdfText(receipt.body)).toContain('from-library.pdf');
    });

    it('DOC-1 rate-limits guessing of one confirmation number', async () => {
      const { app } = await setup(t);
      let last = 0;
      for (let i = 0; i < 6; i++) {
        const c = new TestClient(t.app, `10.88.0.${i + 1}`);
        await c.get('/upload');
        last = (await c.post('/upload', { first_name: `Guess${String.fromCharCode(97 + i)}`, last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018', confirmation: app.confirmation_number })).status;
      }
      expect(last).toBe(429);
    });

    it('APP-11 the public status page shows the status, what is missing and the messages sent', async () => {
      const { app } = await setup(t);
      const c = new TestClient(t.app, '10.99.0.1');
      await c.get('/status');
      const empty = await c.post('/status', { first_name: '', last_name: '', dob_month: '', dob_day: '', dob_year: '', confirmation: '' });
      expect(textOf(empty.html)).toContain("Enter the student's first name");
      expect(textOf(empty.html)).toContain('Enter the confirmation number');
      const res = await c.post('/status', { first_name: 'Mateo', last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018', confirmation: app.confirmation_number });
      const page = await c.follow(res);
      const text = textOf(page.html);
      expect(text).toContain('Incomplete');
      expect(text).toContain('Approved release from your district of residence');
      expect(text).toContain('Missing');
    });
  });
}
