import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { HomePage } from './views/home-page.js';

export async function homeRoutes(app: FastifyInstance, deps: Deps): Promise<void> {
  app.get('/', async (_req, reply) => reply.page((ctx) => HomePage({ ctx, districts: deps.districts.all }), { forms: false }));
}
