import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import type { Pages } from '../../platform/modules.js';
import { idParams, typed } from '../../platform/http/route-schemas.js';
import { AddressService } from '../addresses/service.js';
import { studentStory } from './story.js';
import { ApplicationsRepository } from './repository.js';
import { StoryPage } from './views/story-page.js';

/**
 * ACC-6: `/students/:id` — one student's whole story, for the parent who holds the student: the
 * sections other modules declared for the student as a whole (the school's roll: the student's
 * school and emergency contacts), then every request with its own sections.
 */
export async function storyRoutes(app: FastifyInstance, deps: Deps, sections: Pick<Pages, 'storySections' | 'studentSections'>): Promise<void> {
  const repo = new ApplicationsRepository(deps.db);
  const addresses = new AddressService(deps);
  typed(app).get('/students/:id', { schema: { params: idParams } }, async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const student = await repo.studentOf(user.id, req.params.id);
    if (!student) return reply.callNotFound();
    const [story, moves, own] = await Promise.all([studentStory(deps, { repo, addresses }, student, req.i18n.lang as 'en' | 'es', sections.storySections), repo.movesOf(student.id), sections.studentSections(req, student)]);
    return reply.page((ctx) => StoryPage({ ctx, student, story, moves, sections: own }));
  });
}
