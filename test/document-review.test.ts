import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { samplePdf, sampleJpeg, samplePng, sampleHeic } from './support/files.js';
import { newId } from '../src/platform/ids.js';
import type { SessionStaff } from '../src/platform/http/sessions.js';
import { DocumentReview } from '../src/modules/documents/review.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RequestScope } from '../src/modules/access/request-scope.js';
import { DocumentsService } from '../src/modules/documents/service.js';

/** What an LAUSD-like incoming request for parent employment needs (config/districts/lausd-sample.yaml). */
const REQUIRED = ['release', 'report-card', 'discipline', 'attendance', 'pay-stub', 'employer-letter'];

/** A file stored and recorded as a parent's upload would leave it. */
async function storeDoc(t: TestApp, applicationId: string, o: { data: Buffer; type: string; name: string; docType?: string; status?: string; reason?: string }) {
  const stored = await t.deps.storage.put(Readable.from([o.data]), { maxBytes: 10_000_000 });
  const id = newId();
  await t.deps.db.insertInto('documents').values({
    id, application_id: applicationId, doc_type: o.docType ?? 'release', original_name: o.name, content_type: o.type, size_bytes: stored.size, sha256: stored.sha256,
    storage_key: stored.key, status: o.status ?? 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: o.reason ?? null,
  }).execute();
  return id;
}

const docOf = (t: TestApp, id: string) => t.deps.db.selectFrom('documents').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const auditOf = (t: TestApp, staffId: string) => t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', staffId).orderBy('at').orderBy('id').execute();
const statusOf = async (t: TestApp, id: string) => (await t.deps.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const reviewUrl = (appId: string, docId: string) => `/staff/requests/${appId}/documents/${docId}/review`;
const file = (code: string, filename: string, data: Buffer, contentType = 'application/pdf') => ({ field: `file_${code}`, filename, contentType, data });

/** The session a staff member's browser carries, for calling the service directly. */
async function sessionOf(t: TestApp, staffId: string): Promise<SessionStaff> {
  const s = await t.deps.db.selectFrom('staff').selectAll().where('id', '=', staffId).executeTakeFirstOrThrow();
  return { id: s.id, districtId: s.district_id, email: s.email, firstName: s.first_name, lastName: s.last_name, role: s.role };
}

/** Width and height from a JPEG's start-of-frame marker. */
function jpegSize(b: Buffer): { width: number; height: number } | null {
  for (let i = 2; i + 9 < b.length; ) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    const len = b.readUInt16BE(i + 2);
    if (marker >= 0xc0 && marker <= 0xc3) return { height: b.readUInt16BE(i + 5), width: b.readUInt16BE(i + 7) };
    i += 2 + len;
  }
  return null;
}

for (const db of databases) {
  describe(`document review, viewer and search on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('DOC-3 PRV-2 a permit clerk accepts a document from the request page; who and when are kept, and the review is audited', async () => {
      const app = await request(t, 'lausd-sample');
      const docId = await storeDoc(t, app.id, { data: samplePdf(), type: 'application/pdf', name: 'release.pdf' });
      const clerk = await staffMember(t, 'lausd-sample');
      const page = await clerk.client.get(`/staff/requests/${app.id}`);
      expect(page.html).toContain(`id="doc-${docId}"`);
      expect(page.html).toContain(`href="/staff/requests/${app.id}/documents/${docId}/view"`);
      expect(page.html).toContain(`action="${reviewUrl(app.id, docId)}"`);
      expect(page.html).toContain('href="/staff/documents"');
      const text = textOf(page.html);
      expect(text).toContain('Accept');
      expect(text).toContain('The file cannot be read');

      t.clock.advance(60_000);
      const res = await clerk.client.post(reviewUrl(app.id, docId), { decision: 'accepted' });
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/staff/requests/${app.id}#doc-${docId}`);
      expect(textOf((await clerk.client.get(`/staff/requests/${app.id}`)).html)).toContain('Accepted: release.pdf');
      expect(await docOf(t, docId)).toMatchObject({ status: 'accepted', review_reason: null, review_note: null, reviewed_by: clerk.id, reviewed_at: t.clock.now().toISOString() });
      const reviews = (await auditOf(t, clerk.id)).filter((a) => a.action === 'document.review');
      expect(reviews).toHaveLength(1);
      expect(reviews[0]).toMatchObject({ entity_type: 'document', entity_id: docId, district_id: 'lausd-sample', ip: expect.stringMatching(/^10\.60\./) });
      expect(JSON.parse(reviews[0].detail!)).toEqual({ application: app.id, from: 'received', to: 'accepted', reason: null });

      // Set back to received: the review is undone, and that is audited too.
      await clerk.client.post(reviewUrl(app.id, docId), { decision: 'received' });
      expect(await docOf(t, docId)).toMatchObject({ status: 'received', reviewed_by: clerk.id });
      expect((await auditOf(t, clerk.id)).filter((a) => a.action === 'document.review')).toHaveLength(2);
    });

    it('DOC-3 a rejected document tells the parent why and what to send instead, in English and in Spanish, and no longer counts as received', async () => {
      const { client, user } = await signedInParent(t);
      const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
      await client.get(`/applications/${app.id}`);
      // Everything but the employer's letter: the request stays incomplete.
      const first = await client.postMultipart(`/applications/${app.id}/documents`, {}, REQUIRED.slice(0, 5).map((c) => file(c, `${c}.pdf`, samplePdf(c))));
      expect(first.status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('incomplete');
      const payStub = (await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).where('doc_type', '=', 'pay-stub').executeTakeFirstOrThrow()).id;

      const clerk = await staffMember(t, 'lausd-sample');
      await clerk.client.get(`/staff/requests/${app.id}`);
      const res = await clerk.client.post(reviewUrl(app.id, payStub), { decision: 'rejected', reason: 'unreadable', note: 'The bottom half is cut off.' });
      expect(res.status).toBe(303);
      expect(await docOf(t, payStub)).toMatchObject({ status: 'rejected', review_reason: 'unreadable', review_note: 'The bottom half is cut off.', reviewed_by: clerk.id });
      const staffText = textOf((await clerk.client.get(`/staff/requests/${app.id}`)).html);
      expect(staffText).toContain('Rejected The file cannot be read');
      expect(staffText).toContain('Pay stub from the last 30 days Missing');
      // The parent is also told by email, with the reason and what to send instead.
      const mails = await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', app.id).where('template', '=', 'review.email.rejected').execute();
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ to_address: app.decision_email, account_id: user.id, subject: `A document needs to be replaced: Mateo ${app.student_last_name}` });
      expect(mails[0].text_body).toContain('What to send instead: Send a new, clear photo or scan of the whole document');

      const en = textOf((await client.get(`/applications/${app.id}`)).html);
      expect(en).toContain('Some documents were not accepted');
      expect(en).toContain('pay-stub.pdf');
      expect(en).toContain('Rejected: The file cannot be read');
      expect(en).toContain('What to send instead: Send a new, clear photo or scan of the whole document, where every word can be read.');
      expect(en).toContain('Note from the permit office: The bottom half is cut off.');
      expect((await new DocumentsService(t.deps).checklistStatus(app.id)).missingRequired).toEqual(['pay-stub', 'employer-letter']);

      await client.follow(await client.get(`/language?to=es&next=${encodeURIComponent(`/applications/${app.id}`)}`));
      const es = textOf((await client.get(`/applications/${app.id}`)).html);
      expect(es).toContain('Algunos documentos no fueron aceptados');
      expect(es).toContain('Rechazado: No se puede leer el archivo');
      expect(es).toContain('Qué enviar en su lugar: Envíe una foto o un escaneo nuevo y claro de todo el documento, donde se pueda leer cada palabra.');
      expect(es).toContain('Nota de la oficina de permisos: The bottom half is cut off.');

      // The employer's letter alone does not complete the request: the rejected pay stub does not count.
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('employer-letter', 'letter.pdf', samplePdf('letter'))]);
      expect(await statusOf(t, app.id)).toBe('incomplete');
      t.clock.advance(60_000);
      await client.get(`/applications/${app.id}`);
      await client.postMultipart(`/applications/${app.id}/documents`, {}, [file('pay-stub', 'pay-stub-clear.pdf', samplePdf('clear'))]);
      expect(await statusOf(t, app.id)).toBe('submitted');
      const after = textOf((await client.get(`/applications/${app.id}`)).html);
      expect(after).not.toContain('Algunos documentos no fueron aceptados');
      expect(after).toContain('Usted envió un archivo nuevo para este documento.');
    });

    it('DOC-3 a rejection without a reason (or "another problem" without a note) is refused with a field error, and changes nothing', async () => {
      const app = await request(t, 'lausd-sample');
      const docId = await storeDoc(t, app.id, { data: sampleJpeg(), type: 'image/jpeg', name: 'report.jpg', docType: 'report-card' });
      const clerk = await staffMember(t, 'lausd-sample');
      await clerk.client.get(`/staff/requests/${app.id}`);
      const before = await docOf(t, docId);

      const empty = await clerk.client.post(reviewUrl(app.id, docId), { decision: 'rejected', reason: '', note: '' });
      expect(empty.status).toBe(400);
      expect(empty.html).toContain('<title>Error: Review a document');
      expect(empty.html).toContain('href="#field-reason"');
      expect(empty.html).toContain('id="field-reason-error"');
      expect(textOf(empty.html)).toContain('Choose why the document is rejected');
      expect(textOf(empty.html)).toContain('report.jpg');

      const noNote = await clerk.client.post(reviewUrl(app.id, docId), { decision: 'rejected', reason: 'other', note: '  ' });
      expect(noNote.status).toBe(400);
      expect(textOf(noNote.html)).toContain('Write a note for the parent');
      expect(noNote.html).toMatch(/<option value="other" selected/);
      const unknown = await clerk.client.post(reviewUrl(app.id, docId), { decision: 'rejected', reason: 'ugly' });
      expect(unknown.status).toBe(400);
      expect(textOf(unknown.html)).toContain('Choose a reason from the list');
      expect((await clerk.client.post(reviewUrl(app.id, docId), { decision: 'maybe' })).status).toBe(400);

      expect(await docOf(t, docId)).toEqual(before);
      expect((await auditOf(t, clerk.id)).filter((a) => a.action === 'document.review')).toHaveLength(0);

      // With a note, "another problem" is a rejection like any other.
      expect((await clerk.client.post(reviewUrl(app.id, docId), { decision: 'rejected', reason: 'other', note: 'Send the 2026 card.' })).status).toBe(303);
      expect(await docOf(t, docId)).toMatchObject({ status: 'rejected', review_reason: 'other', review_note: 'Send the 2026 card.' });
    });

    it('DOC-3 PRV-1 auditors, site administrators and other districts cannot review, even through the service; nothing changes', async () => {
      const app = await request(t, 'lausd-sample'); // for school lausd-sample:1001
      const docId = await storeDoc(t, app.id, { data: samplePdf(), type: 'application/pdf', name: 'release.pdf' });
      const before = await docOf(t, docId);
      const auditor = await staffMember(t, 'lausd-sample', 'auditor');
      const site = await staffMember(t, 'lausd-sample', 'site_admin', ['1001']);
      const otherSite = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      const foreign = await staffMember(t, 'paramount-sample', 'district_admin');

      for (const s of [auditor, site]) {
        const page = await s.client.get(`/staff/requests/${app.id}`);
        expect(page.status).toBe(200);
        expect(page.html).not.toContain(`action="${reviewUrl(app.id, docId)}"`);
        expect(page.html).toContain(`/documents/${docId}/view`); // they may still read it
        expect((await s.client.post(reviewUrl(app.id, docId), { decision: 'accepted' })).status).toBe(403);
        expect((await s.client.post(reviewUrl(app.id, docId), { decision: 'rejected', reason: 'expired' })).status).toBe(403);
        expect((await s.client.get(reviewUrl(app.id, docId))).status).toBe(403);
      }
      for (const s of [otherSite, foreign]) {
        await s.client.get('/staff/queue');
        expect((await s.client.post(reviewUrl(app.id, docId), { decision: 'accepted' })).status).toBe(404);
        expect((await s.client.get(reviewUrl(app.id, docId))).status).toBe(404);
      }
      // The service decides, not only the page.
      const service = new DocumentReview(t.deps, { audit: new AuditLog(t.deps.db, t.deps.clock), scope: new RequestScope(t.deps.db) });
      const asAuditor = await service.review(await sessionOf(t, auditor.id), app.id, docId, { decision: 'accepted', reason: '', note: '' }, '127.0.0.1');
      expect(!asAuditor.ok && asAuditor.problem.code).toBe('forbidden');
      const asForeign = await service.review(await sessionOf(t, foreign.id), app.id, docId, { decision: 'accepted', reason: '', note: '' }, '127.0.0.1');
      expect(!asForeign.ok && asForeign.problem.code).toBe('not-found');

      expect(await docOf(t, docId)).toEqual(before);
      // No review was made; each attempt through the pages is on the record as refused (PRV-2).
      const reviews = await t.deps.db.selectFrom('audit_log').select('outcome').where('action', '=', 'document.review').where('entity_id', '=', docId).execute();
      expect(reviews.filter((r) => r.outcome !== 'refused')).toHaveLength(0);
      expect(reviews).toHaveLength(6);
      // A parent is sent to the staff entrance.
      const parent = await signedInParent(t);
      expect((await parent.client.post(reviewUrl(app.id, docId), { decision: 'accepted' })).status).toBe(303);

      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get(reviewUrl(app.id, docId));
      expect((await admin.client.post(reviewUrl(app.id, docId), { decision: 'accepted' })).status).toBe(303);
      expect((await docOf(t, docId)).status).toBe('accepted');
    });

    it('DOC-3 PRV-1 PRV-2 the viewer shows PDF, JPEG and PNG inline under a locked-down policy, audits each view, and keeps others out', async () => {
      const app = await request(t, 'lausd-sample');
      const files = [
        { data: samplePdf(), type: 'application/pdf', name: 'release.pdf' },
        { data: sampleJpeg(), type: 'image/jpeg', name: 'card "front".jpg' },
        { data: samplePng(), type: 'image/png', name: 'scan.png' },
      ];
      const ids = [];
      for (const f of files) ids.push(await storeDoc(t, app.id, f));
      const clerk = await staffMember(t, 'lausd-sample');
      for (const [i, f] of files.entries()) {
        const res = await clerk.client.get(`/staff/requests/${app.id}/documents/${ids[i]}/view`);
        expect(res.status).toBe(200);
        expect(res.headers['content-type']).toBe(f.type);
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['cache-control']).toBe('no-store');
        expect(String(res.headers['content-disposition'])).toBe(`inline; filename="${f.name.replace(/"/g, '_')}"`);
        const csp = String(res.headers['content-security-policy']);
        expect(csp).toContain("default-src 'none'");
        expect(csp).toContain("style-src 'unsafe-inline'");
        expect(csp).not.toContain('script-src');
        // Images are sandboxed; a sandboxed PDF would not open in Chrome's or Safari's viewer.
        if (f.type.startsWith('image/')) expect(csp).toMatch(/^sandbox; /);
        else expect(csp).not.toContain('sandbox');
        expect(res.body.equals(f.data)).toBe(true);
      }
      const views = (await auditOf(t, clerk.id)).filter((a) => a.action === 'document.view');
      expect(views.map((v) => v.entity_id).sort()).toEqual([...ids].sort());
      for (const v of views) expect(JSON.parse(v.detail!)).toEqual({ application: app.id, converted: false });
      // The download stays a download.
      const download = await clerk.client.get(`/staff/requests/${app.id}/documents/${ids[0]}`);
      expect(String(download.headers['content-disposition'])).toMatch(/^attachment; /);

      const foreign = await staffMember(t, 'paramount-sample');
      expect((await foreign.client.get(`/staff/requests/${app.id}/documents/${ids[0]}/view`)).status).toBe(404);
      const otherSite = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      expect((await otherSite.client.get(`/staff/requests/${app.id}/documents/${ids[0]}/view`)).status).toBe(404);
      const auditor = await staffMember(t, 'lausd-sample', 'auditor');
      expect((await auditor.client.get(`/staff/requests/${app.id}/documents/${ids[0]}/view`)).status).toBe(200);
      expect((await new TestClient(t.app).get(`/staff/requests/${app.id}/documents/${ids[0]}/view`)).status).toBe(303);
      expect((await auditOf(t, foreign.id)).filter((a) => a.action === 'document.view').map((a) => a.outcome)).toEqual(['refused']);
    });

    it('DOC-3 PRV-2 the viewer converts a HEIC photo (test/fixtures/files/phone.heic) to JPEG; a broken one gets a page that says so', async () => {
      const app = await request(t, 'lausd-sample');
      const heicId = await storeDoc(t, app.id, { data: sampleHeic(), type: 'image/heic', name: 'IMG_0002.HEIC', docType: 'attendance' });
      const clerk = await staffMember(t, 'lausd-sample');
      const res = await clerk.client.get(`/staff/requests/${app.id}/documents/${heicId}/view`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      expect(String(res.headers['content-disposition'])).toBe('inline; filename="IMG_0002.jpg"');
      expect(String(res.headers['content-security-policy'])).toMatch(/^sandbox; default-src 'none'/);
      expect(res.body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))).toBe(true);
      expect(jpegSize(res.body)).toEqual({ width: 64, height: 64 });
      const view = (await auditOf(t, clerk.id)).find((a) => a.action === 'document.view');
      expect(JSON.parse(view!.detail!)).toEqual({ application: app.id, converted: true });
      // Nothing derived is kept: the storage still holds the original only.
      expect((await docOf(t, heicId)).content_type).toBe('image/heic');

      const brokenId = await storeDoc(t, app.id, { data: sampleHeic().subarray(0, 200), type: 'image/heif', name: 'broken.heif', docType: 'attendance' });
      const broken = await clerk.client.get(`/staff/requests/${app.id}/documents/${brokenId}/view`);
      expect(broken.status).toBe(422);
      expect(String(broken.headers['content-type'])).toMatch(/^text\/html/);
      expect(String(broken.headers['content-security-policy'])).not.toContain('sandbox');
      expect(textOf(broken.html)).toContain('This photo cannot be shown');
      expect((await auditOf(t, clerk.id)).filter((a) => a.action === 'document.view' && a.entity_id === brokenId)).toHaveLength(0);
    });

    it('DOC-3 PRV-1 PRV-2 staff find documents by student ID, name, status and file type, newest first, only in their district (site administrators: their schools)', async () => {
      t.clock.set('2026-12-01T18:00:00Z');
      const zubiri = await request(t, 'lausd-sample', { student_first_name: 'Maite', student_last_name: 'Zubiri', student_number: '7654321' });
      const zamora = await request(t, 'lausd-sample', { student_first_name: 'Lucía', student_last_name: 'Zamora', requested_school_id: 'lausd-sample:2001' });
      const foreign = await request(t, 'paramount-sample', { student_first_name: 'Maite', student_last_name: 'Zubiri', student_number: '7654321' });
      await storeDoc(t, zubiri.id, { data: samplePdf('z1'), type: 'application/pdf', name: 'zubiri-release.pdf', status: 'accepted' });
      t.clock.advance(1000);
      await storeDoc(t, zubiri.id, { data: sampleHeic(), type: 'image/heic', name: 'zubiri-photo.heic', docType: 'attendance' });
      t.clock.advance(1000);
      await storeDoc(t, zamora.id, { data: sampleJpeg(), type: 'image/jpeg', name: 'zamora-card.jpg', docType: 'report-card', status: 'rejected', reason: 'expired' });
      t.clock.advance(1000);
      await storeDoc(t, zamora.id, { data: samplePng(), type: 'image/png', name: 'zamora-scan.png', docType: 'discipline' });
      await storeDoc(t, foreign.id, { data: samplePdf('f'), type: 'application/pdf', name: 'paramount-zubiri.pdf' });

      const clerk = await staffMember(t, 'lausd-sample');
      const search = async (query: string) => {
        const page = await clerk.client.get(`/staff/documents?${query}`);
        expect(page.status).toBe(200);
        return { html: page.html, names: [...page.html.matchAll(/(zubiri-[a-z]+\.\w+|zamora-[a-z]+\.\w+|paramount-zubiri\.pdf)/g)].map((m) => m[1]).filter((n, i, a) => a.indexOf(n) === i) };
      };
      expect((await search('q=7654321')).names).toEqual(['zubiri-photo.heic', 'zubiri-release.pdf']);
      expect((await search('q=765432')).names).toEqual([]); // the student ID is matched exactly
      expect((await search('q=zub')).names).toEqual(['zubiri-photo.heic', 'zubiri-release.pdf']);
      expect((await search('q=MAI')).names).toEqual(['zubiri-photo.heic', 'zubiri-release.pdf']);
      expect((await search('q=luc%C3%AD%20zam')).names).toEqual(['zamora-scan.png', 'zamora-card.jpg']);
      expect((await search('q=z')).names).toEqual(['zamora-scan.png', 'zamora-card.jpg', 'zubiri-photo.heic', 'zubiri-release.pdf']);
      expect((await search('q=z&status=rejected')).names).toEqual(['zamora-card.jpg']);
      expect((await search('q=z&status=accepted')).names).toEqual(['zubiri-release.pdf']);
      expect((await search('q=z&type=heic')).names).toEqual(['zubiri-photo.heic']);
      expect((await search('q=z&type=png')).names).toEqual(['zamora-scan.png']);
      expect((await search('q=z&type=pdf&status=received')).names).toEqual([]);
      const rejected = await search('q=zamora&status=rejected');
      expect(textOf(rejected.html)).toContain('Rejected The document is out of date');
      expect(rejected.html).toContain(`href="/staff/requests/${zamora.id}#doc-`);
      expect((await search('q=%25_')).names).toEqual([]);

      const site = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      const siteNames = [...(await site.client.get('/staff/documents?q=z')).html.matchAll(/(zubiri|zamora)-[a-z]+\.\w+/g)].map((m) => m[0]);
      expect(new Set(siteNames)).toEqual(new Set(['zamora-scan.png', 'zamora-card.jpg']));
      const other = await staffMember(t, 'paramount-sample');
      expect(textOf((await other.client.get('/staff/documents?q=7654321')).html)).toContain('paramount-zubiri.pdf');

      const searches = (await auditOf(t, clerk.id)).filter((a) => a.action === 'documents.search');
      expect(searches).toHaveLength(13);
      expect(searches[0]).toMatchObject({ entity_type: 'documents', district_id: 'lausd-sample' });
      expect(searches.map((a) => JSON.parse(a.detail!))).toContainEqual({ q: 'z', status: 'rejected', type: '', results: 1 });
      t.clock.set('2026-11-22T18:00:00Z');
    });
  });
}
