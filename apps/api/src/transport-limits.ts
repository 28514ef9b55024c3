import type { ServerOptions as NodeServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import type { HttpLimits } from './config.js';
import { problemContentType, problemFor, rawProblemResponse } from './problem.js';

/** How often Node checks the headers and receive deadlines: a fraction of the shortest, within 100 ms – 1 s. */
function checkingInterval(limits: HttpLimits): number {
  const shortest = Math.min(limits.headersTimeout, limits.receiveTimeout || Number.POSITIVE_INFINITY);
  return Math.max(100, Math.min(1_000, Math.floor(shortest / 4)));
}

/**
 * The Fastify and Node server options that enforce {@link HttpLimits}: idle-connection, keep-alive, headers and
 * whole-request timeouts. Node's own answers (a missing Host header, a 503 past `maxRequestsPerSocket`) have no
 * problem body, so the server checks those itself: Node's are turned off here.
 */
export function serverLimits(
  limits: HttpLimits,
): Pick<
  FastifyServerOptions,
  'connectionTimeout' | 'keepAliveTimeout' | 'requestTimeout' | 'clientErrorHandler' | 'frameworkErrors'
> & { http: NodeServerOptions } {
  return {
    connectionTimeout: limits.connectionTimeout,
    keepAliveTimeout: limits.keepAliveTimeout,
    requestTimeout: limits.receiveTimeout,
    http: {
      requireHostHeader: false,
      headersTimeout: limits.headersTimeout,
      connectionsCheckingInterval: checkingInterval(limits),
    },
    clientErrorHandler,
    frameworkErrors,
  };
}

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
