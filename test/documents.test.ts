import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf, type Page } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { pdfText } from './support/pdf.js';
import { samplePdf, sampleJpeg, samplePng, sampleHeic, textRenamedPdf } from './support/files.js';
import { createApplication } from './support/applications.js';
import { newId } from '../src/platform/ids.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';

/** What an LAUSD-like incoming request for parent employment needs (config/districts/lausd-sample.yaml). */
const REQUIRED = ['release', 'report-card', 'discipline', 'attendance', 'pay-stub', 'employer-letter'];


/** A signed-in parent with one incomplete application, having read its page (for the CSRF token). */
async function setup(t: TestApp, overrides: Record<string, unknown> = {}) {
  const { client, user } = await signedInParent(t);
  const student = await buildStudent(t, user.id);
  const app = await createApplication(t, user.id, student.id, overrides);
  await client.get(`/applications/${app.id}`);
  return { client, user, app };
}

const file = (code: string, filename: string, data: Buffer, contentType = 'application/pdf') => ({ field: `file_${code}`, filename, contentType, data });
const docsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).execute();
const statusOf = async (t: TestApp, id: string) => (await t.deps.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const eventsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', id).execute();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The four details of the public pages, written a little differently from the request, as people do. */
const detailsOf = (app: { confirmation_number: string }) => ({
  first_name: '  mateo ', last_name: 'LOPEZ', dob_month: '4', dob_day: '9', dob_year: '2018',
  confirmation: formatConfirmationNumber(app.confirmation_number).toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l'),
});

/** Sends a hand-made multipart body: for bodies a browser would never build itself. */
async function rawMultipart(t: TestApp, client: TestClient, url: string, body: Buffer, boundary: string): Promise<Page> {
  const res = await t.app.inject({
    method: 'POST', url, payload: body,
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: res.statusCode, html: res.body, headers: res.headers, location: res.headers.location as string | undefined, body: res.rawPayload };
}
const fieldPart = (b: string, name: string, value: string) => Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
const filePart = (b: string, name: string, filename: string, data: Buffer) =>
  Buffer.concat([Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="${name}"; filename="${filename}"\r\nContent-Type: application/pdf\r\n\r\n`), data, Buffer.from('\r\n')]);

for (const db of databases) {
  describe(`documents on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // 0.05 MB = 52,428 bytes: small enough to test the limit without big buffers.
      t = await makeTestApp({ dbUrl: db.url, env: { MAX_UPLOAD_MB: '0.05', MAX_FILES_PER_UPLOAD: '8' } });
    });
    afterAll(async () => t.close());

    it('DOC-6 accepts PDF, JPEG, PNG and HEIC, typed from their content, and stores them by content hash', async () => {
      const { client, app } = await setup(t);
      const sent = { 'release.pdf': samplePdf(), 'IMG_0001.JPG': sampleJpeg(), 'scan.png': samplePng(), 'IMG_0002.HEIC': sampleHeic() };
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', 'release.pdf', sent['release.pdf']),
        // The type the browser claims is ignored: the bytes decide.
        file('report-card', 'IMG_0001.JPG', sent['IMG_0001.JPG'], 'application/octet-stream'),
        file('discipline', 'scan.png', sent['scan.png'], 'image/png'),
        file('attendance', 'IMG_0002.HEIC', sent['IMG_0002.HEIC'], 'image/heic'),
      ]);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/applications/${app.id}`);
      const docs = await docsOf(t, app.id);
      expect(docs.map((d) => [d.doc_type, d.content_type]).sort()).toEqual([
        ['attendance', 'image/heic'], ['discipline', 'image/png'], ['release', 'application/pdf'], ['report-card', 'image/jpeg'],
      ]);
      for (const d of docs) {
        const original = sent[d.original_name as keyof typeof sent];
        expect(d.status).toBe('received');
        expect(d.uploaded_via).toBe('account');
        expect(d.size_bytes).toBe(original.length);
        expect(d.sha256).toBe(sha256(original));
        expect(d.storage_key.endsWith(d.sha256)).toBe(true);
        expect(fs.readFileSync(path.join(t.dataDir, 'files', d.storage_key)).equals(original)).toBe(true);
      }
      const events = await eventsOf(t, app.id);
      expect(events.map((e) => e.note)).toEqual(['documents:4']);
      const page = await client.follow(res);
      expect(textOf(page.html)).toContain('We received 4 files');
      expect(textOf(page.html)).toContain('release.pdf');
    });

    it('APP-11 the request stays incomplete until the required documents are in, then is received', async () => {
      const { client, app } = await setup(t);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, REQUIRED.slice(0, 3).map((c) => file(c, `${c}.pdf`, samplePdf(c))));
      expect(await statusOf(t, app.id)).toBe('incomplete');
      const page = await client.get(`/applications/${app.id}`);
      expect(textOf(page.html)).toContain('Missing');
      // "Other documents" never complete a request on their own.
      // Several files in one input (a two-page letter as two photos) are each kept.
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('other', 'page-1.jpg', sampleJpeg(), 'image/jpeg'), file('other', 'page-2.png', samplePng(), 'image/png')]);
      expect((await docsOf(t, app.id)).filter((d) => d.doc_type === 'other').map((d) => d.original_name).sort()).toEqual(['page-1.jpg', 'page-2.png']);
      expect(await statusOf(t, app.id)).toBe('incomplete');
      await client.postMultipart(`/applications/${app.id}/documents`, {}, REQUIRED.slice(3).map((c) => file(c, `${c}.pdf`, samplePdf(c))));
      expect(await statusOf(t, app.id)).toBe('submitted');
      const moves = (await eventsOf(t, app.id)).filter((e) => e.to_status === 'submitted' && e.from_status === 'incomplete');
      expect(moves).toHaveLength(1);
      expect(moves[0].actor).toContain('parent:');
      // More files later change nothing about the status, and record no second move.
      await client.get(`/applications/${app.id}`);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('pay-stub', 'newer.pdf', samplePdf('newer'))]);
      expect(await statusOf(t, app.id)).toBe('submitted');
      expect((await eventsOf(t, app.id)).filter((e) => e.from_status === 'incomplete' && e.to_status === 'submitted')).toHaveLength(1);
    });

    it('DOC-6 refuses a text file renamed .pdf, an empty file and an oversized one; a bad file means nothing of the upload is kept', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', 'good.pdf', samplePdf()),
        file('report-card', 'notes.pdf', textRenamedPdf()),
        file('discipline', 'empty.pdf', Buffer.alloc(0)),
        file('attendance', 'huge.pdf', Buffer.concat([samplePdf(), Buffer.alloc(60 * 1024, 0x20)])),
        file('pay-stub', 'photo.jpg', sampleJpeg(), 'image/jpeg'),
      ]);
      expect(res.status).toBe(303);
      const page = await client.follow(res);
      const text = textOf(page.html);
      expect(text).toContain('There is a problem');
      expect(text).toContain('notes.pdf is not a PDF, JPEG, PNG or HEIC file');
      expect(text).toContain('empty.pdf is empty');
      expect(text).toContain('huge.pdf is larger than 0.05 MB');
      // Each message sits beside its own input, and the summary links to it.
      expect(page.html).toMatch(/id="field-file_report-card-error"[^>]*>[\s\S]*?notes\.pdf is not/);
      expect(page.html).toContain('href="#field-file_report-card"');
      // WCAG 4.1.2: every file field is named by its own label, even after USWDS's script adds its generic aria-label.
      const inputs = [...page.html.matchAll(/<input[^>]*type="file"[^>]*>/g)].map((m) => m[0]);
      expect(inputs.length).toBeGreaterThan(1);
      for (const input of inputs) {
        const labelledBy = /aria-labelledby="([^"]+)"/.exec(input)?.[1];
        expect(labelledBy, input).toBeTruthy();
        expect(page.html).toMatch(new RegExp(`<label[^>]*id="${labelledBy}"[^>]*>[^<]+</label>`));
      }
      expect(await docsOf(t, app.id)).toHaveLength(0);
      expect(await eventsOf(t, app.id)).toHaveLength(0);
      // The message shows once, then is gone.
      expect(textOf((await client.get(`/applications/${app.id}`)).html)).not.toContain('notes.pdf');
    });

    it('DOC-6 an oversized file first, good files after: refused, named, and nothing kept', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', 'scan-600dpi.pdf', Buffer.concat([samplePdf(), Buffer.alloc(200 * 1024, 0x20)])),
        file('report-card', 'report.pdf', samplePdf('report')),
      ]);
      const text = textOf((await client.follow(res)).html);
      expect(text).toContain('scan-600dpi.pdf is larger than 0.05 MB');
      expect(text).not.toContain('report.pdf is');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-6 refuses too many files at once, keeping none', async () => {
      const { client, app } = await setup(t);
      const files = Array.from({ length: 9 }, (_, i) => file('other', `f${i}.pdf`, samplePdf(String(i))));
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, files);
      const page = await client.follow(res);
      expect(textOf(page.html)).toContain('Send up to 8 files at a time');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('an upload with no file chosen asks for one', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', '', Buffer.alloc(0), 'application/octet-stream')]);
      expect(textOf((await client.follow(res)).html)).toContain('Choose at least one file to upload');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('an interrupted upload (the body stops mid-file) records nothing', async () => {
      const { client, app } = await setup(t);
      const b = 'sptestcut';
      const body = Buffer.concat([
        fieldPart(b, '_csrf', client.csrf),
        filePart(b, 'file_release', 'release.pdf', samplePdf('whole')),
        Buffer.from(`--${b}\r\nContent-Disposition: form-data; name="file_report-card"; filename="report.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        samplePdf('cut').subarray(0, 200), // …and the connection ends here: no closing boundary
      ]);
      const res = await rawMultipart(t, client, `/applications/${app.id}/documents`, body, b);
      expect(res.status).toBe(303);
      expect(textOf((await client.follow(res)).html)).toContain('The upload was interrupted and nothing was saved');
      expect(await docsOf(t, app.id)).toHaveLength(0);
      expect(await eventsOf(t, app.id)).toHaveLength(0);
    });

    it('file names with HTML are shown as text, never as markup', async () => {
      const { client, app } = await setup(t);
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
        file('release', '<img src=x onerror=alert(1)>.pdf', samplePdf('html')),
        file('other', '<b onclick=x>notes.pdf', textRenamedPdf()),
      ]);
      const page = await client.follow(res);
      expect(page.html).not.toContain('<b onclick');
      expect(page.html).toMatch(/&lt;b onclick=x(&gt;|>)notes\.pdf is not a PDF/);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', '<img src=x onerror=alert(1)>.pdf', samplePdf('html'))]);
      const after = await client.get(`/applications/${app.id}`);
      expect(after.html).not.toContain('<img src=x');
      expect(after.html).toMatch(/&lt;img src=x onerror=alert\(1\)(&gt;|>)\.pdf/);
    });

    it('refuses an upload with a wrong or missing CSRF token, and stores nothing', async () => {
      const { client, app } = await setup(t);
      const good = client.csrf;
      client.csrf = 'forged-token';
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'r.pdf', samplePdf())]);
      expect(res.status).toBe(403);
      expect(textOf(res.html)).toContain('Your page expired');
      // No token at all: the file comes first.
      const b = 'sptestnocsrf';
      const missing = await rawMultipart(t, client, `/applications/${app.id}/documents`, Buffer.concat([filePart(b, 'file_release', 'r.pdf', samplePdf()), Buffer.from(`--${b}--\r\n`)]), b);
      expect(missing.status).toBe(403);
      // Not multipart at all: refused the same way, never a server error.
      client.csrf = good;
      const urlencoded = await client.post(`/applications/${app.id}/documents`, { file_release: 'r.pdf' });
      expect(urlencoded.status).toBe(403);
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('PRV-1 another parent can neither upload to a request nor read its receipt; signed out, both ask to sign in', async () => {
      const { app } = await setup(t);
      const other = await signedInParent(t);
      await other.client.get('/account');
      const res = await other.client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'r.pdf', samplePdf())]);
      expect(res.status).toBe(404);
      expect((await other.client.get(`/applications/${app.id}/receipt.pdf`)).status).toBe(404);
      expect((await other.client.get(`/applications/${newId()}/receipt.pdf`)).status).toBe(404);
      const anonymous = new TestClient(t.app, '10.66.0.1');
      const receipt = await anonymous.get(`/applications/${app.id}/receipt.pdf`);
      expect(receipt.status).toBe(303);
      expect(receipt.location).toContain('/sign-in');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-2 the receipt is a real PDF listing each file with its document, name, time and size', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const { client, app } = await setup(t);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'release-letter.pdf', samplePdf()), file('pay-stub', 'talon-de-pago.jpg', sampleJpeg(), 'image/jpeg')]);
      const res = await client.get(`/applications/${app.id}/receipt.pdf`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      const number = formatConfirmationNumber(app.confirmation_number);
      expect(res.headers['content-disposition']).toBe(`attachment; filename="receipt-${number}.pdf"`);
      expect(res.body.subarray(0, 5).toString()).toBe('%PDF-');
      const text = await pdfText(res.body);
      expect(text).toContain('release-letter.pdf');
      expect(text).toContain('talon-de-pago.jpg');
      expect(text).toContain('1.4 KB'); // the sample PDF is 1,433 bytes
      expect(text).toContain(number);
      expect(text).toContain('Mateo López');
      expect(text).toContain('Approved release');
      // Written out, in the district's time zone (18:00 UTC is 10:00 AM in Los Angeles).
      expect(text).toMatch(/Sunday, November 22, 2026 at 10:00 AM PST/);
      expect(text).toContain('Still needed');
    });

    it('LNG-1 DOC-2 the receipt comes in Spanish when the page is in Spanish', async () => {
      const { client, app } = await setup(t);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('release', 'carta de liberación.pdf', samplePdf())]);
      client.cookies.set('sp_lang', 'es');
      const text = await pdfText((await client.get(`/applications/${app.id}/receipt.pdf`)).body);
      expect(text).toContain('Recibo de documentos recibidos');
      expect(text).toContain('Número de confirmación');
      expect(text).toContain('carta de liberación.pdf');
      expect(text).toContain('domingo, 22 de noviembre de 2026');
    });

    it('DOC-1 uploads without an account when all four details match, and refuses when any one does not', async () => {
      const { app } = await setup(t);
      const someoneElse = await setup(t, { student_first_name: 'Lucía' });
      const c = new TestClient(t.app, '10.77.0.1');
      await c.get('/upload');
      const good = detailsOf(app);
      const wrongs = [{ first_name: 'Mario' }, { last_name: 'Perez' }, { dob_day: '10' }, { confirmation: someoneElse.app.confirmation_number }];
      for (const wrong of wrongs) {
        const res = await c.post('/upload', { ...good, ...wrong });
        expect(res.status).toBe(400);
        // The same words whichever detail is wrong: no hint which one.
        expect(textOf(res.html)).toContain('These details do not match a request');
        expect(res.html).toContain(`value="${{ ...good, ...wrong }.last_name}"`); // what was typed stays
      }
      expect((await c.get('/upload/documents')).location).toBe('/upload');
      const n = app.confirmation_number;
      const typo = await c.post('/upload', { ...good, confirmation: `${n.slice(0, 8)}${n[8] === '0' ? '1' : '0'}` });
      expect(textOf(typo.html)).toContain('One of the characters in the confirmation number is wrong');
      const ok = await c.post('/upload', good);
      expect(ok.status).toBe(303);
      expect(ok.location).toBe('/upload/documents');
      const page = await c.follow(ok);
      expect(textOf(page.html)).toContain('Upload documents for this request');
      expect(page.html).toContain('name="file_pay-stub"');
      expect(page.html).toContain('name="file_other"');
      const up = await c.postMultipart('/upload/documents', {}, [file('release', 'from-library.pdf', samplePdf())]);
      expect(up.status).toBe(303);
      expect(textOf((await c.follow(up)).html)).toContain('We received 1 file.');
      const docs = await docsOf(t, app.id);
      expect(docs.map((d) => [d.original_name, d.uploaded_via])).toEqual([['from-library.pdf', 'public']]);
      expect((await eventsOf(t, app.id)).map((e) => e.actor)).toEqual(['public-upload']);
      const receipt = await c.get('/upload/receipt.pdf');
      expect(receipt.headers['content-disposition']).toContain('attachment');
      expect(await pdfText(receipt.body)).toContain('from-library.pdf');
      // Nothing reached the other request.
      expect(await docsOf(t, someoneElse.app.id)).toHaveLength(0);
    });

    it('DOC-1 the public pages close 30 minutes after the details were checked', async () => {
      const { app } = await setup(t);
      const c = new TestClient(t.app, '10.77.0.2');
      await c.get('/upload');
      await c.follow(await c.post('/upload', detailsOf(app)));
      t.clock.advance(31 * 60_000);
      const later = await c.get('/upload/documents');
      expect(later.status).toBe(303);
      expect(later.location).toBe('/upload');
      expect((await c.get('/upload/receipt.pdf')).location).toBe('/upload');
      const up = await c.postMultipart('/upload/documents', {}, [file('release', 'late.pdf', samplePdf())]);
      expect(up.location).toBe('/upload');
      expect(await docsOf(t, app.id)).toHaveLength(0);
    });

    it('DOC-1 the look-up form explains each empty or malformed field and keeps what was typed', async () => {
      const c = new TestClient(t.app, '10.77.0.3');
      await c.get('/upload');
      const empty = await c.post('/upload', { first_name: '', last_name: '', dob_month: '', dob_day: '', dob_year: '', confirmation: '' });
      expect(empty.status).toBe(400);
      const text = textOf(empty.html);
      for (const m of ["Enter the student's first name", "Enter the student's last name", "Enter the student's date of birth", 'Enter the confirmation number']) expect(text).toContain(m);
      const bad = await c.post('/upload', { first_name: '<script>x</script>', last_name: 'Ok', dob_month: '2', dob_day: '31', dob_year: '2018', confirmation: 'ABC' });
      expect(textOf(bad.html)).toContain('Enter a real date');
      expect(textOf(bad.html)).toContain('Check the confirmation number');
      expect(bad.html).not.toContain('<script>x</script>');
      expect(bad.html).toContain('value="&lt;script>x&lt;/script>"');
    });

    it('DOC-1 rate-limits guessing of one confirmation number, whatever the address', async () => {
      const { app } = await setup(t);
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const c = new TestClient(t.app, `10.88.0.${i + 1}`);
        await c.get('/upload');
        statuses.push((await c.post('/upload', { ...detailsOf(app), first_name: `Guess${String.fromCharCode(97 + i)}` })).status);
      }
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
      // Even the right details wait now, so a guesser cannot tell a hit from a refusal.
      const c = new TestClient(t.app, '10.88.1.1');
      await c.get('/upload');
      const locked = await c.post('/upload', detailsOf(app));
      expect(locked.status).toBe(429);
      expect(textOf(locked.html)).toContain('You have tried too many times');
      // An hour later the parent gets in.
      t.clock.advance(61 * 60_000);
      await c.get('/upload');
      expect((await c.post('/upload', detailsOf(app))).status).toBe(303);
    });

    it('DOC-1 a match clears the misses of a number, so a parent is not locked out by earlier typos', async () => {
      const { app } = await setup(t);
      const c = new TestClient(t.app, '10.88.3.1');
      await c.get('/status');
      for (let i = 0; i < 4; i++) expect((await c.post('/status', { ...detailsOf(app), dob_year: '2017' })).status).toBe(400);
      expect((await c.post('/status', detailsOf(app))).status).toBe(303);
      await c.get('/status');
      for (let i = 0; i < 4; i++) expect((await c.post('/status', { ...detailsOf(app), dob_year: '2017' })).status).toBe(400);
      expect((await c.post('/status', detailsOf(app))).status).toBe(303);
    });

    it('APP-11 the public status page shows the status, what is missing and the messages sent', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const { app } = await setup(t);
      const now = t.clock.now().toISOString();
      await t.deps.db.insertInto('outbox').values({
        id: newId(), dedupe_key: `test:${app.id}`, account_id: app.account_id, application_id: app.id, to_address: 'p@example.org', language: 'en',
        template: 'applications.emails.submitted', subject: 'We received your request', text_body: 'x', html_body: '<p>x</p>', status: 'sent', attempts: 1,
        next_attempt_at: now, locked_until: null, sent_at: now, last_error: null, created_at: now,
      }).execute();
      const c = new TestClient(t.app, '10.99.0.1');
      await c.get('/status');
      const res = await c.post('/status', detailsOf(app));
      expect(res.location).toBe('/status/result');
      const page = await c.follow(res);
      const text = textOf(page.html);
      expect(text).toContain('Incomplete');
      expect(text).toContain('Approved release from your district of residence');
      expect(text).toContain('Missing');
      expect(text).toContain('Some required documents are still missing');
      expect(text).toContain('We received your request — Sunday, November 22, 2026 at 10:00 AM PST');
      // The same proof opens the upload page, without typing the details again.
      const upload = await c.get('/upload/documents');
      expect(upload.status).toBe(200);
      await c.postMultipart('/upload/documents', {}, REQUIRED.map((code) => file(code, `${code}.pdf`, samplePdf(code))));
      const after = textOf((await c.get('/status/result')).html);
      expect(after).not.toContain('Some required documents are still missing');
      expect(after).not.toContain('Incomplete');
      expect(await statusOf(t, app.id)).toBe('submitted');
    });

    it('APP-11 the status page in Spanish', async () => {
      const { app } = await setup(t);
      const c = new TestClient(t.app, '10.99.0.2');
      c.cookies.set('sp_lang', 'es');
      await c.get('/status');
      const page = await c.follow(await c.post('/status', detailsOf(app)));
      const text = textOf(page.html);
      expect(text).toContain('Estado de la solicitud');
      expect(text).toContain('Todavía faltan documentos obligatorios');
    });
  });
}
