import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Host } from '@slicewise/host';
import { type ErrorCode, isSlicewiseError } from '@slicewise/mediator';
import { routes } from './routes.js';

/** The HTTP status of each error code: the one place this host maps them. */
export const httpStatus: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TIMEOUT: 504,
  CANCELLED: 499,
  INTERNAL: 500,
};

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** A plain node:http server answering {@link routes} through the host's mediator. Call `listen` yourself. */
export function createWorkerServer(host: Host): Server {
  return createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method === 'GET' && url.pathname === '/healthz') return reply(response, 200, { status: 'ok' });
    const route = routes[`${request.method} ${url.pathname}`];
    if (!route)
      return reply(response, 404, { code: 'NOT_FOUND', message: `No route for ${request.method} ${url.pathname}` });
    host.mediator.send(route(url)).then(
      (result) => reply(response, 200, result),
      (error: unknown) => {
        const code: ErrorCode = isSlicewiseError(error) ? error.code : 'INTERNAL';
        const message = code === 'INTERNAL' ? 'Internal error' : (error as Error).message;
        reply(response, httpStatus[code], { code, message });
      },
    );
  });
}
