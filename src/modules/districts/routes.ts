import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { slugParams, typed } from '../../platform/http/route-schemas.js';
import { addDays } from '../../platform/clock.js';
import { PERMIT_KINDS } from './config-schema.js';
import { localDate } from '../../platform/clock.js';
import { windowPhases } from './windows.js';
import { DistrictPage, type DistrictPageView } from './views/district-page.js';

/** The public information page of each district (DEC-20), open to anyone. */
export async function districtRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  typed(app).get('/districts/:slug', { schema: { params: slugParams } }, async (req, reply) => {
    const district = deps.districts.get(req.params.slug);
    if (!district) return reply.callNotFound();
    const today = localDate(deps.clock.now(), district.timeZone);
    const view: DistrictPageView = {
      district,
      windows: PERMIT_KINDS.filter((k) => district.windows[k]).map((kind) => ({ kind, years: windowPhases(district, kind, today), lateReasons: district.windows[kind]?.lateReasons ?? [] })),
      deadlines: district.schoolYears.map((y) => ({ year: y.year, firstDay: y.firstDay, earlyDue: addDays(y.firstDay, 14), cutoff: addDays(y.firstDay, -16) })),
    };
    return reply.page((ctx) => DistrictPage({ ctx, view }), { forms: false });
  });
}
