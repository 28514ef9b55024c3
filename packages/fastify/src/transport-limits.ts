import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { ConnectionGuard } from './connection-guard.js';
import type { HttpLimits } from './limits.js';
import { problemContentType, problemFor, rawProblemResponse } from './problem.js';

/** How often Node checks the headers and receive deadlines: a fraction of the shortest, within 100 ms – 1 s. */
function checkingInterval(limits: HttpLimits): number {
  const shortest = Math.min(limits.headersTimeout, limits.receiveTimeout || Number.POSITIVE_INFINITY);
  return Math.max(100, Math.min(1_000, Math.floor(shortest / 4)));
}

/**
 * The Node server of the API, enforcing {@link HttpLimits}: idle-connection, keep-alive, headers and
 * whole-request timeouts, the number of connections, and (through a {@link ConnectionGuard} in front of
 * Fastify's handler) back-pressure and per-connection request limits. Node's own answers without a problem body
 * (a missing Host header, a 503 past `maxRequestsPerSocket`) are turned off: the API answers those itself.
 */
export function limitedServer(
  limits: HttpLimits,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): { server: Server; guard: ConnectionGuard } {
  const guard = new ConnectionGuard(limits, handler);
  const server = createServer(
    {
      requireHostHeader: false,
      headersTimeout: limits.headersTimeout,
      requestTimeout: limits.receiveTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    guard.handle,
  );
  server.keepAliveTimeout = limits.keepAliveTimeout;
  server.setTimeout(limits.connectionTimeout);
  server.maxConnections = limits.maxConnections;
  return { server, guard };
}

/** Fastify's options that answer its own failures as problems. */
export const problemOptions: Pick<FastifyServerOptions, 'clientErrorHandler' | 'frameworkErrors'> = {
  clientErrorHandler,
  frameworkErrors,
};

/**
 * A request Node could not parse or did not receive in time: a raw problem+json answer, then the connection
 * closes. Not when a response is already under way on the socket (its bytes would corrupt it): then it closes.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  const current = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (error.code === 'ECONNRESET' || !socket.writable || current?.headersSent) {
    socket.destroy();
    return;
  }
  socket.end(rawProblemResponse(error).text);
}

/** Fastify's own routing failures (a URL that is not valid percent-encoding, a path parameter too long…). */
function frameworkErrors(error: Error, request: FastifyRequest, reply: FastifyReply): void {
  const problem = problemFor(error, request.url, request.id);
  reply.header('x-request-id', request.id).status(problem.status).type(problemContentType).send(problem);
}
