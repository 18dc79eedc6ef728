import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { request } from './support/staff.js';
import { TRANSITIONS, STATUSES, canTransition, moveRequest, noteRequest, type Status } from '../src/modules/applications/lifecycle.js';
import { refusable, refuse } from '../src/platform/db/refuse.js';
import { err } from '../src/platform/result.js';

const D = 'lausd-sample';
const AT = '2026-11-22T18:00:00.000Z';

const rowOf = (t: TestApp, id: string) => t.deps.db.selectFrom('applications').select(['status', 'updated_at']).where('id', '=', id).executeTakeFirstOrThrow();
const eventsOf = (t: TestApp, id: string) =>
  t.deps.db.selectFrom('application_events').select(['actor', 'at', 'from_status', 'to_status', 'note']).where('application_id', '=', id).orderBy('at').orderBy('id').execute();

describe('the transitions table', () => {
  it('names only known statuses, and a closed request goes nowhere', () => {
    for (const [from, tos] of Object.entries(TRANSITIONS)) {
      expect(STATUSES).toContain(from);
      for (const to of tos) expect(STATUSES).toContain(to);
    }
    for (const closed of ['abandoned', 'withdrawn', 'revoked'] as Status[]) expect(TRANSITIONS[closed]).toEqual([]);
  });

  it('DEC-19 has the release granted by law from every status it is granted from', () => {
    for (const from of ['incomplete', 'submitted', 'info_requested', 'deemed_denied'] as Status[]) expect(canTransition(from, 'approved')).toBe(true);
  });
});

for (const db of databases) {
  describe(`a request's lifecycle on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('an allowed move changes the status and writes its history line (who, when, from, to, why) in the same transaction', async () => {
      const app = await request(t, D, { status: 'submitted' });
      const moved = await t.deps.db.transaction().execute((trx) => moveRequest(trx, { id: app.id, from: 'submitted', to: 'info_requested', actor: 'staff:s1', at: AT, note: 'due:2026-12-01' }));
      expect(moved).toBe(true);
      expect(await rowOf(t, app.id)).toEqual({ status: 'info_requested', updated_at: AT });
      expect(await eventsOf(t, app.id)).toEqual([{ actor: 'staff:s1', at: AT, from_status: 'submitted', to_status: 'info_requested', note: 'due:2026-12-01' }]);
    });

    it('from several statuses, the line records the status the caller read', async () => {
      const app = await request(t, D, { status: 'info_requested' });
      expect(await moveRequest(t.deps.db, { id: app.id, from: ['submitted', 'info_requested'], was: 'info_requested', to: 'denied', actor: 'staff:s1', at: AT, note: 'no-space-grade' })).toBe(true);
      expect(await eventsOf(t, app.id)).toEqual([{ actor: 'staff:s1', at: AT, from_status: 'info_requested', to_status: 'denied', note: 'no-space-grade' }]);
    });

    it('a stale "from" (the request moved meanwhile) does not move it and writes nothing', async () => {
      const app = await request(t, D, { status: 'approved' });
      expect(await moveRequest(t.deps.db, { id: app.id, from: ['submitted', 'info_requested'], was: 'submitted', to: 'denied', actor: 'staff:s2', at: AT, note: 'no-space-grade' })).toBe(false);
      expect((await rowOf(t, app.id)).status).toBe('approved');
      expect(await eventsOf(t, app.id)).toEqual([]);
    });

    it('two moves at once from the same status: exactly one moves', async () => {
      const app = await request(t, D, { status: 'submitted' });
      const both = await Promise.all(
        ['approved', 'denied'].map((to) => t.deps.db.transaction().execute((trx) => moveRequest(trx, { id: app.id, from: 'submitted', to: to as Status, actor: 'staff:s3', at: AT, note: null }))),
      );
      expect(both.filter(Boolean)).toHaveLength(1);
      expect(await eventsOf(t, app.id)).toHaveLength(1);
    });

    it('a move the transitions table does not allow is a bug: it throws and writes nothing', async () => {
      const app = await request(t, D, { status: 'withdrawn' });
      await expect(moveRequest(t.deps.db, { id: app.id, from: 'withdrawn', to: 'approved', actor: 'staff:s1', at: AT, note: null })).rejects.toThrow(/cannot move from 'withdrawn' to 'approved'/);
      // One status of several not allowed is enough.
      await expect(moveRequest(t.deps.db, { id: app.id, from: ['submitted', 'abandoned'], was: 'submitted', to: 'approved', actor: 'staff:s1', at: AT, note: null })).rejects.toThrow(/from 'abandoned'/);
      expect((await rowOf(t, app.id)).status).toBe('withdrawn');
      expect(await eventsOf(t, app.id)).toEqual([]);
    });

    it('a refusal later in the transaction rolls the move and its line back, and comes back as the problem', async () => {
      const app = await request(t, D, { status: 'submitted' });
      const r = await refusable(() =>
        t.deps.db.transaction().execute(async (trx) => {
          await moveRequest(trx, { id: app.id, from: 'submitted', to: 'approved', actor: 'staff:s1', at: AT, note: 'school:1001 years:1' });
          return refuse(err('full', 'decisions.errors.full', { field: 'school' }));
        }),
      );
      expect(r).toEqual(err('full', 'decisions.errors.full', { field: 'school' }));
      expect((await rowOf(t, app.id)).status).toBe('submitted');
      expect(await eventsOf(t, app.id)).toEqual([]);
    });

    it('a note keeps the status (from = to), and a note with its own id is written once', async () => {
      const app = await request(t, D, { status: 'approved' });
      await noteRequest(t.deps.db, { id: app.id, actor: 'staff:s1', at: AT, status: 'approved', note: 'review:continue' });
      expect(await noteRequest(t.deps.db, { id: app.id, eventId: `sc_${app.id}`, actor: 'parent:p1', at: AT, status: 'approved', note: 'school change reported: 1002 from 2026-12-01' })).toBe(true);
      expect(await noteRequest(t.deps.db, { id: app.id, eventId: `sc_${app.id}`, actor: 'parent:p1', at: AT, status: 'approved', note: 'school change reported: 1002 from 2026-12-01' })).toBe(false);
      const events = await eventsOf(t, app.id);
      expect(events).toHaveLength(2);
      for (const e of events) expect([e.from_status, e.to_status]).toEqual(['approved', 'approved']);
      expect((await rowOf(t, app.id)).status).toBe('approved');
    });
  });
}
