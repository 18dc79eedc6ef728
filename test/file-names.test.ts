import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request } from './support/staff.js';
import { samplePdf, sampleJpeg, samplePng, sampleHeic, textRenamedPdf } from './support/files.js';

/** File names as phones, scanners and people write them: the case of the extension varies. */
const NAMES = { 'IMG_0042.HEIC': sampleHeic(), 'SCAN.PDF': samplePdf(), 'PHOTO.JPG': sampleJpeg(), 'Letter.Jpeg': sampleJpeg(), 'scan.PNG': samplePng(), 'Photo.Heif': sampleHeic() };

/** The `accept` tokens of each file input on a page. */
const acceptOf = (html: string): string[][] => [...html.matchAll(/<input[^>]*type="file"[^>]*>/g)].map((m) => (/accept="([^"]*)"/.exec(m[0])?.[1] ?? '').split(','));

for (const db of databases) {
  describe(`file names on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    async function parentWithRequest() {
      const { client, user } = await signedInParent(t);
      const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
      const page = await client.get(`/applications/${app.id}`);
      expect(page.status).toBe(200);
      return { client, app, page };
    }

    it('DOC-6 each upload field lets through every accepted name whatever its case, as USWDS\'s script checks it (the name ends with a token as written)', async () => {
      const { page } = await parentWithRequest();
      const inputs = acceptOf(page.html);
      expect(inputs.length).toBeGreaterThan(1);
      for (const tokens of inputs) {
        for (const name of [...Object.keys(NAMES), 'scan.pdf', 'photo.jpeg', 'IMG_0001.heic']) {
          expect(tokens.some((tok) => tok.startsWith('.') && name.endsWith(tok)), name).toBe(true);
        }
        // Still a filter: a name of another kind matches no token.
        for (const name of ['notes.txt', 'NOTES.TXT', 'movie.MOV']) expect(tokens.some((tok) => tok.startsWith('.') && name.endsWith(tok)), name).toBe(false);
      }
    });

    it('DOC-6 the server accepts upper- and mixed-case extensions (.HEIC, .PDF, .JPG …), typed from the content, and lists each file', async () => {
      const { client, app } = await parentWithRequest();
      const codes = ['release', 'report-card', 'discipline', 'attendance', 'pay-stub', 'employer-letter'];
      const res = await client.postMultipart(
        `/applications/${app.id}/documents`,
        {},
        // iPhones send HEIC with no MIME type or a generic one: the name's case and the claimed type play no part.
        Object.entries(NAMES).map(([filename, data], i) => ({ field: `file_${codes[i]}`, filename, contentType: 'application/octet-stream', data })),
      );
      expect(res.status, textOf(res.html).slice(0, 400)).toBe(303);
      const docs = await t.deps.db.selectFrom('documents').select(['original_name', 'content_type']).where('application_id', '=', app.id).execute();
      expect(Object.fromEntries(docs.map((d) => [d.original_name, d.content_type]))).toEqual({
        'IMG_0042.HEIC': 'image/heic', 'SCAN.PDF': 'application/pdf', 'PHOTO.JPG': 'image/jpeg', 'Letter.Jpeg': 'image/jpeg', 'scan.PNG': 'image/png', 'Photo.Heif': 'image/heic',
      });
      const text = textOf((await client.follow(res)).html);
      for (const name of Object.keys(NAMES)) expect(text).toContain(name);
    });

    it('DOC-6 an upper-case extension does not make a text file pass', async () => {
      const { client, app } = await parentWithRequest();
      const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_release', filename: 'NOTES.PDF', contentType: 'application/pdf', data: textRenamedPdf() }]);
      expect(res.status).toBe(303);
      expect(textOf((await client.follow(res)).html)).toContain('NOTES.PDF is not a PDF, JPEG, PNG or HEIC file');
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute()).toEqual([]);
    });
  });
}
