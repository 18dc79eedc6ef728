import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireParent } from '../../platform/http/guards.js';
import { studentStory } from './story.js';
import { StoryPage } from './views/story-page.js';

/** ACC-6: `/students/:id` — one student's whole story, for the parent who holds the student. */
export async function storyRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get('/students/:id', async (req, reply) => {
    const user = await requireParent(req, reply);
    if (!user) return;
    const student = await deps.db.selectFrom('students').selectAll().where('id', '=', (req.params as { id: string }).id).where('account_id', '=', user.id).executeTakeFirst();
    if (!student) return reply.callNotFound();
    const [story, moves] = await Promise.all([
      studentStory(deps, student, req.i18n.lang as 'en' | 'es'),
      deps.db.selectFrom('address_changes').select(['moved_on', 'reported_on', 'late']).where('student_id', '=', student.id).orderBy('created_at', 'desc').execute(),
    ]);
    return reply.page((ctx) => StoryPage({ ctx, student, story, moves }));
  });
}
