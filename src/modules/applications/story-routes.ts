import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import type { Pages } from '../../platform/modules.js';
import { idParams, typed } from '../../platform/http/route-schemas.js';
import { AddressService } from '../addresses/service.js';
import { studentStory } from './story.js';
import { ApplicationsRepository } from './repository.js';
import { StoryPage } from './views/story-page.js';

/** ACC-6: `/students/:id` — one student's whole story, for the parent who holds the student. */
export async function storyRoutes(app: FastifyInstance, deps: Deps, sections: Pages['storySections']): Promise<void> {
  const repo = new ApplicationsRepository(deps.db);
  const addresses = new AddressService(deps);
  typed(app).get('/students/:id', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const student = await repo.studentOf(user.id, req.params.id);
    if (!student) return reply.callNotFound();
    const [story, moves] = await Promise.all([studentStory(deps, { repo, addresses }, student, req.i18n.lang as 'en' | 'es', sections), repo.movesOf(student.id)]);
    return reply.page((ctx) => StoryPage({ ctx, student, story, moves }));
  });
}
