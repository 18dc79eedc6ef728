import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf, type Page } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { samplePdf } from './support/files.js';
import { newId } from '../src/platform/ids.js';

/**
 * Names every plain JavaScript object answers to through its prototype. A lookup such as
 * `labels[req.query.type]` finds a function (or the prototype itself) for them instead of
 * nothing, and `'toString' in labels` is true: such input once made pages answer 500.
 */
const HOSTILE = ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty'];
/** A value no page knows either, without a prototype's name: each hostile value must be answered as this one is. */
const UNKNOWN = 'zzz-unknown';

interface Form { method: 'get' | 'post'; action: string; fields: { name: string; type: string; value: string }[] }

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
const attr = (tag: string, name: string): string | undefined => {
  const m = new RegExp(`\\s${name}="([^"]*)"`).exec(tag);
  return m ? unescape(m[1]) : undefined;
};

/** The forms of a page as a browser sees them: method, action, and each named field. */
function formsOf(html: string, pageUrl: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/g)]
    .filter((m) => !/multipart\/form-data/.test(m[1]))
    .map((m) => ({
      method: (attr(m[1], 'method') ?? 'get').toLowerCase() === 'post' ? ('post' as const) : ('get' as const),
      action: new URL(attr(m[1], 'action') || pageUrl, 'http://localhost').pathname,
      fields: [...m[2].matchAll(/<(input|select|textarea)\b([^>]*)>/g)]
        .map((f) => ({ name: attr(f[2], 'name') ?? '', type: f[1] === 'input' ? (attr(f[2], 'type') ?? 'text') : f[1], value: attr(f[2], 'value') ?? '' }))
        .filter((f) => f.name && f.name !== '_csrf' && f.type !== 'submit'),
    }));
}

/** Forms that end the session or undo the request: posting them would only spoil the rest of the test. */
const SPOILERS = /sign-out|withdraw/;

for (const db of databases) {
  describe(`hostile names as input on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    /** Where each hostile value was answered differently from an unknown value, or with a 5xx. */
    const problems: string[] = [];
    /** The forms sent (method and action, ids as :id), so a test can tell that it reached the forms it means to. */
    const probed = new Set<string>();
    const knownIds: string[] = [];
    const idless = (url: string) => knownIds.reduce((u, id) => u.split(id).join(':id'), url);
    const compare = (what: string, baseline: Page, res: Page) => {
      if (res.status >= 500 || (res.status !== baseline.status && res.status !== 429 && baseline.status !== 429)) {
        problems.push(`${what}: ${res.status} (an unknown value: ${baseline.status})`);
      }
      // A lookup that found an inherited function shows its source, or a message key built from the input shows the key.
      const leak = /\[native code\]|\[object Object\]|\b[a-z-]+(\.[a-zA-Z-]+)+\.(__proto__|constructor|toString|valueOf|hasOwnProperty)\b/.exec(res.html);
      if (leak) problems.push(`${what}: the page shows "${leak[0]}"`);
    };
    const withQuery = (url: string, params: Record<string, string>) => `${url}${url.includes('?') ? '&' : '?'}${new URLSearchParams(params)}`;

    /** GET `url` with each parameter set to each hostile value in turn, and once with every hostile word as a parameter's name. */
    async function probeQuery(c: TestClient, url: string, params: string[]) {
      for (const p of new Set(params)) {
        const baseline = await c.get(withQuery(url, { [p]: UNKNOWN }));
        for (const word of HOSTILE) compare(`GET ${url} ${p}=${word}`, baseline, await c.get(withQuery(url, { [p]: word })));
      }
      const baseline = await c.get(withQuery(url, { [UNKNOWN]: 'yes' }));
      compare(`GET ${url} with hostile parameter names`, baseline, await c.get(withQuery(url, Object.fromEntries(HOSTILE.map((w) => [w, 'yes'])))));
    }

    /**
     * Reads `pageUrl` and, for each form on it: a GET form has its fields probed as query
     * parameters; a POST form is sent with every visible field set to each hostile value (hidden
     * fields as given, so the form gets past its token to the checks), a checkbox group with the
     * hostile value as a ticked choice, and once with hostile field names.
     */
    async function probeForms(c: TestClient, pageUrl: string, extraParams: string[] = []) {
      const page = await c.get(pageUrl);
      expect(page.status, pageUrl).toBe(200);
      const forms = formsOf(page.html, pageUrl);
      await probeQuery(c, pageUrl, [...extraParams, ...forms.filter((f) => f.method === 'get' && f.action === new URL(pageUrl, 'http://localhost').pathname).flatMap((f) => f.fields.map((x) => x.name))]);
      for (const form of forms) {
        if (form.method === 'get') {
          if (form.action !== new URL(pageUrl, 'http://localhost').pathname) await probeQuery(c, form.action, form.fields.map((f) => f.name));
          continue;
        }
        if (SPOILERS.test(form.action)) continue;
        const body = (value: string): Record<string, string> => {
          const out: Record<string, string> = {};
          for (const f of form.fields) {
            if (f.type === 'hidden') out[f.name] = f.value;
            else if (f.type === 'checkbox' && f.name.includes('__')) out[`${f.name.slice(0, f.name.indexOf('__'))}__${value}`] = 'yes';
            else out[f.name] = value;
          }
          return out;
        };
        const send = async (b: Record<string, string>) => {
          await c.get(pageUrl); // a fresh token, as after each page a browser reads
          return c.post(form.action, b);
        };
        probed.add(`POST ${idless(form.action)}`);
        const baseline = await send(body(UNKNOWN));
        for (const word of HOSTILE) compare(`POST ${form.action} (from ${pageUrl}) every field ${word}`, baseline, await send(body(word)));
        const named = { ...body(UNKNOWN), ...Object.fromEntries(HOSTILE.map((w) => [w, 'yes'])) };
        compare(`POST ${form.action} (from ${pageUrl}) with hostile field names`, baseline, await send(named));
      }
    }

    /** A parent with two children (one living in Paramount), a submitted request holding a document and an approved one; the district's administrator. */
    let world: { parent: TestClient; admin: TestClient; studentId: string; localId: string; appId: string; docId: string; approvedId: string };
    beforeAll(async () => {
      const { client: parent, user } = await signedInParent(t);
      const student = await buildStudent(t, user.id);
      const app = await request(t, 'lausd-sample', { status: 'submitted', student_id: student.id }, user);
      await parent.get(`/applications/${app.id}`);
      const up = await parent.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_release', filename: 'release.pdf', contentType: 'application/pdf', data: samplePdf() }]);
      expect(up.status).toBe(303);
      const doc = await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();
      // A child living in Paramount, for the forms of a release and of another school of the same district; a permit of theirs, approved, has a review form and gives the child a school-change form.
      const local = await buildStudent(t, user.id, { first_name: 'Lucía', address_line1: '8312 Garfield Ave', city: 'Paramount', zip: '90723' });
      const approved = await request(t, 'lausd-sample', { status: 'submitted', student_id: local.id, student_first_name: 'Lucía' }, user);
      // Every other document both requests need is in and accepted, so that the decision forms are offered.
      const lausd = t.deps.districts.get('lausd-sample')!;
      for (const [id, except] of [[app.id, 'release'], [approved.id, '']]) {
        for (const item of t.deps.districts.checklist(lausd, 'incoming', app.reason_code).filter((i) => i.code !== except)) {
          await t.deps.db.insertInto('documents').values({
            id: newId(), application_id: id, doc_type: item.code, original_name: `${item.code}.pdf`, content_type: 'application/pdf', size_bytes: 10, sha256: newId().padEnd(64, '0'),
            storage_key: newId(), status: 'accepted', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(),
          }).execute();
        }
      }
      const { client: admin } = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.get(`/staff/requests/${approved.id}`);
      const approval = await admin.post(`/staff/requests/${approved.id}/approve`, { school: '1001', years: '1' });
      expect(approval.status, textOf(approval.html).slice(0, 1500)).toBe(303);
      const permit = await t.deps.db.selectFrom('permits').select('id').where('application_id', '=', approved.id).executeTakeFirstOrThrow();
      knownIds.push(app.id, doc.id, approved.id, student.id, local.id, permit.id);
      world = { parent, admin, studentId: student.id, localId: local.id, appId: app.id, docId: doc.id, approvedId: approved.id };
    });
    const anyone = () => new TestClient(t.app, `10.77.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);

    it('no staff page, filter or form answers 500 to __proto__, constructor, toString, valueOf or hasOwnProperty, as a value or a name', async () => {
      problems.length = 0;
      const { admin, appId, docId, approvedId } = world;
      // Every page with filters or forms, and the parameters its links carry.
      await probeForms(admin, '/staff/queue', ['after', 'overdue', 'missing']);
      await probeQuery(admin, '/staff/queue.csv', ['status', 'reason', 'school', 'grade', 'year', 'kind', 'overdue', 'missing', 'q', 'after']);
      await probeForms(admin, '/staff/documents');
      await probeForms(admin, '/staff/audit');
      await probeForms(admin, '/staff/dashboard');
      await probeForms(admin, '/staff/team');
      await probeForms(admin, '/staff/reviews');
      await probeForms(admin, '/staff/addresses');
      await probeForms(admin, `/staff/requests/${appId}/documents/${docId}/review`);
      await probeForms(admin, `/staff/requests/${appId}`);
      await probeForms(admin, `/staff/requests/${approvedId}`);
      // A hostile word where a page expects an id in its path: not found, as any unknown one.
      for (const pattern of ['/staff/requests/:x', `/staff/requests/${appId}/documents/:x`, `/staff/requests/${appId}/documents/:x/review`, `/staff/requests/${appId}/letters/:x.pdf`]) {
        const baseline = await admin.get(pattern.replace(':x', UNKNOWN));
        for (const word of HOSTILE) compare(`GET ${pattern.replace(':x', word)}`, baseline, await admin.get(pattern.replace(':x', word)));
      }
      for (const form of ['approve', 'deny', 'request-info', 'revoke', 'documents/:id/review']) expect(probed, form).toContain(`POST /staff/requests/:id/${form}`);
      for (const form of ['/staff/team/invite', '/staff/reviews/:id']) expect(probed, form).toContain(`POST ${form}`);
      expect(problems).toEqual([]);
    }, 300_000);

    it('no parent page or form answers 500 to those names, as a value or a name', async () => {
      problems.length = 0;
      const { parent, studentId, localId, appId } = world;
      await probeForms(parent, '/account');
      await probeForms(parent, '/account/language');
      await probeForms(parent, '/account/password');
      await probeForms(parent, '/students/new', ['next']);
      await probeForms(parent, `/students/${studentId}`);
      await probeForms(parent, `/students/${studentId}/edit`, ['next']);
      await probeForms(parent, `/students/${studentId}/move`);
      await probeForms(parent, `/students/${localId}/school-change`);
      await probeForms(parent, `/applications/${appId}`, ['notice']);
      await probeForms(parent, `/applications/${appId}/confirmation`, ['repeated']);
      await probeForms(parent, '/apply/lausd-sample', ['student']);
      await probeForms(parent, `/apply/paramount-sample/intra?student=${localId}`, ['student']);
      await probeForms(parent, `/apply/paramount-sample/outgoing?student=${localId}`, ['student']);
      // The incoming form opens once the guidelines are agreed to for a student.
      await parent.get('/apply/lausd-sample');
      expect((await parent.post('/apply/lausd-sample', { student: studentId, agree: 'yes' })).status).toBe(303);
      await probeForms(parent, `/apply/lausd-sample/form?student=${studentId}`, ['student']);
      for (const form of ['/students/new', '/students/:id/edit', '/students/:id/move', '/students/:id/school-change', '/apply/lausd-sample', '/apply/lausd-sample/form', '/apply/paramount-sample/intra', '/apply/paramount-sample/outgoing', '/account/language']) {
        expect(probed, form).toContain(`POST ${form}`);
      }
      for (const pattern of ['/apply/:x', '/apply/:x/form', '/students/:x', '/students/:x/edit', '/applications/:x', '/account/messages/:x', `/applications/${appId}/letters/:x.pdf`]) {
        const baseline = await parent.get(pattern.replace(':x', UNKNOWN));
        for (const word of HOSTILE) compare(`GET ${pattern.replace(':x', word)}`, baseline, await parent.get(pattern.replace(':x', word)));
      }
      expect(problems).toEqual([]);
    }, 300_000);

    it('no public page or form answers 500 to those names, as a value or a name', async () => {
      problems.length = 0;
      for (const url of ['/', '/register', '/sign-in', '/forgot-password', '/activate/resend', '/upload', '/status', '/permits/verify', '/districts/lausd-sample', '/staff/sign-in']) {
        await probeForms(anyone(), url, ['next']);
      }
      await probeQuery(anyone(), '/language', ['to', 'next']);
      for (const form of ['/register', '/sign-in', '/forgot-password', '/upload', '/status', '/staff/sign-in']) expect(probed, form).toContain(`POST ${form}`);
      for (const pattern of ['/districts/:x', '/activate/:x', '/reset-password/:x', '/staff/activate/:x']) {
        const c = anyone();
        const baseline = await c.get(pattern.replace(':x', UNKNOWN));
        for (const word of HOSTILE) compare(`GET ${pattern.replace(':x', word)}`, baseline, await c.get(pattern.replace(':x', word)));
      }
      expect(problems).toEqual([]);
    }, 300_000);

    it('DOC-3 the document search by type=__proto__ (and the other names) lists what an unknown type lists, and says which filter is on', async () => {
      const { client: admin } = await staffMember(t, 'lausd-sample', 'permit_staff');
      const all = await admin.get('/staff/documents');
      for (const word of HOSTILE) {
        const res = await admin.get(`/staff/documents?type=${encodeURIComponent(word)}&status=${encodeURIComponent(word)}`);
        expect(res.status, word).toBe(200);
        // No option of the type or status filter is chosen for a name the page does not offer.
        expect(res.html, word).not.toMatch(new RegExp(`<option[^>]*value="${word}"[^>]*selected`));
        expect(res.html.match(/<tbody[\s\S]*?<\/tbody>/)?.[0], word).toBe(all.html.match(/<tbody[\s\S]*?<\/tbody>/)?.[0]);
      }
    });
  });
}
