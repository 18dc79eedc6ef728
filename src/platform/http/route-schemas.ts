import type { FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Route inputs typed at the edge: a route declares `schema: { params, querystring }` with zod
 * schemas, Fastify validates them, and the handler reads typed values instead of casting.
 *
 * Form bodies are not validated here: a bad field re-renders its form in the reader's language
 * with what was typed (`parseForm`, src/platform/http/forms.ts), never Fastify's 400. The
 * schemas below never refuse a request either: a path segment is any string (an unknown id is the
 * handler's "not found", as it always was) and a query value that is not one string reads as
 * absent, as the handlers' own checks did.
 */
export function useRouteSchemas(app: FastifyInstance): void {
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
}

/** The app as the routes declare on it: `schema` given in zod, handlers typed from it. */
export const typed = (app: FastifyInstance) => app.withTypeProvider<ZodTypeProvider>();

/** A path's named segments (`paramsOf('id', 'documentId')`), each any string. */
export const paramsOf = <K extends string>(...names: K[]) =>
  z.object(Object.fromEntries(names.map((n) => [n, z.string()])) as Record<K, z.ZodString>);

/** A path's `:id`. */
export const idParams = paramsOf('id');

/** A link's `:token` (activation, password reset): an unknown one is the page's "link not valid". */
export const tokenParams = paramsOf('token');

/** A district's `:slug`. */
export const slugParams = paramsOf('slug');

/** A query-string value: one string, else absent (`?x=1&x=2` reads as no `x`). */
export const queryValue = z.string().optional().catch(undefined);

/**
 * A query string with the values a route reads; anything else passes untouched (the platform
 * reads `lang` on every page).
 */
export const queryOf = <T extends z.core.$ZodLooseShape>(shape: T) => z.looseObject(shape);

/** `?next=`: where to go back to, checked by `safeNext` where it is used. */
export const nextQuery = queryOf({ next: queryValue });
