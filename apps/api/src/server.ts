import { GetActiveUsers } from '@slicewise/get-active-users';
import type { Host } from '@slicewise/host';
import { isSlicewiseError, ValidationError } from '@slicewise/mediator';
import Fastify, { type FastifyInstance } from 'fastify';
import { type Problem, problemOf, transportProblem } from './problem.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** The composed host the routes send through. */
  host: Host;
  /** Fastify's logger: `false` in tests, pino options in production. */
  logger?: boolean | { level: string };
}

const problemType = 'application/problem+json; charset=utf-8';

/** Builds the Fastify app of the Slicewise API: routes are parse → send → serialize, errors are problems. */
export function buildServer({ host, logger = false }: ServerOptions): FastifyInstance {
  const app = Fastify({ logger, bodyLimit: 1024 * 1024 });

  app.setErrorHandler((error, request, reply) => {
    const transport = (error as { statusCode?: number }).statusCode ?? 500;
    const problem: Problem =
      !isSlicewiseError(error) && transport < 500
        ? transportProblem(transport, (error as Error).message, request.url)
        : problemOf(error, request.url);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    reply.status(problem.status).type(problemType).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .type(problemType)
      .send(transportProblem(404, `No route for ${request.method} ${request.url}`, request.url));
  });

  app.get('/healthz', async () => ({ status: 'ok' }));

  app.get<{ Querystring: { active?: string } }>('/users', async (request) => {
    if (request.query.active !== 'true') {
      throw new ValidationError('Only active users can be listed yet: pass active=true', [
        { path: ['active'], message: 'must be true' },
      ]);
    }
    return host.mediator.send(new GetActiveUsers());
  });

  return app;
}
