import { randomUUID } from 'node:crypto';
import { appliedMigrations } from '@slicewise/db';
import type { Host } from '@slicewise/host';
import { isSlicewiseError } from '@slicewise/mediator';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { TokenStore } from './auth.js';
import { docsPage } from './docs-page.js';
import { type OpenApiInfo, openApiDocument } from './openapi.js';
import { type Problem, problemContentType, problemOf, rawProblemResponse, transportProblem } from './problem.js';
import { exposedRequests, mountRequests } from './routes.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** The composed host the routes send through. */
  host: Host;
  /** Accepted bearer tokens. Default: none, so only requests without permissions succeed. */
  tokens?: TokenStore;
  /** Fastify's logger (pino): `false` (default, for tests) or pino options, e.g. `{ level: 'info' }`. */
  logger?: FastifyServerOptions['logger'];
  /** Deadline of one dispatch in milliseconds. Default 10 000. */
  requestTimeout?: number;
  /** Largest JSON body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** Title and version of the OpenAPI document. */
  info?: OpenApiInfo;
}

/** An incoming `x-request-id` is kept when it is 1 to 128 of these characters; otherwise one is generated. */
const requestIdPattern = /^[A-Za-z0-9._:@/+=-]{1,128}$/;
const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Why the host cannot serve yet (database unreachable, a migration not recorded), or undefined when ready. */
export function unreadiness(host: Host): string | undefined {
  try {
    host.db.query('SELECT 1').first(); // query() is lazy: first() really runs it
  } catch {
    return 'The database is not reachable';
  }
  const expected = host.mediator.slices.flatMap((slice) =>
    (slice.migrations ?? []).map((migration) => `${slice.name}/${migration.name}`),
  );
  if (expected.length === 0) return undefined;
  try {
    const recorded = new Set(appliedMigrations(host.db).map((row) => `${row.set}/${row.name}`));
    const missing = expected.filter((name) => !recorded.has(name));
    return missing.length === 0 ? undefined : `Migrations not applied: ${missing.join(', ')}`;
  } catch {
    return 'The migrations ledger cannot be read';
  }
}

/**
 * Builds the Fastify app of the Slicewise API from a composed host: one route per request whose declaration
 * exposes it over HTTP (parse → send → serialize), `/openapi.json` and `/docs` generated from the same
 * declarations, `/healthz`, `/readyz`, and RFC 9457 problems for every failure.
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { host, tokens = new TokenStore(), requestTimeout = 10_000, bodyLimit = 1_048_576 } = options;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    forceCloseConnections: 'idle',
    // Requests arriving while closing get our own 503 problem (below), not Fastify's plain JSON.
    return503OnClosing: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    clientErrorHandler: (error: NodeJS.ErrnoException, socket) => {
      if (error.code === 'ECONNRESET' || !socket.writable) {
        socket.destroy();
        return;
      }
      socket.end(rawProblemResponse(error).text);
    },
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && requestIdPattern.test(incoming) ? incoming : randomUUID();
    },
  });

  // An NDJSON body is not buffered: the slice reads the request's bytes as its input field `body`.
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));

  let closing = false;
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (!closing) return done();
    reply
      .status(503)
      .header('connection', 'close')
      .type(problemContentType)
      .send(transportProblem(503, 'The server is shutting down', request.url, request.id));
  });
  // While closing, a connection that goes idle after its answer is closed at once instead of lingering for the
  // keep-alive timeout (Fastify closes the connections already idle itself).
  app.addHook('preClose', async () => {
    closing = true;
    app.server.keepAliveTimeout = 1;
  });

  app.setErrorHandler((error, request, reply) => {
    const transport = (error as { statusCode?: number }).statusCode ?? 500;
    const problem: Problem =
      !isSlicewiseError(error) && transport < 500
        ? transportProblem(transport, transportDetail(error, transport), request.url, request.id)
        : problemOf(error, request.url, request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (problem.status === 401) {
      const invalid = request.headers.authorization ? ', error="invalid_token"' : '';
      reply.header('www-authenticate', `Bearer realm="slicewise"${invalid}`);
    }
    reply.status(problem.status).type(problemContentType).send(problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    reply
      .status(404)
      .type(problemContentType)
      .send(transportProblem(404, `No route for ${request.method} ${path}`, request.url, request.id));
  });

  // Every route's methods, to answer the others with 405 and an Allow header.
  const allowed = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    const list = Array.isArray(route.method) ? route.method : [route.method];
    const set = allowed.get(route.url) ?? new Set<string>();
    for (const method of list) set.add(method);
    allowed.set(route.url, set);
  });

  const requests = exposedRequests(host.mediator);
  mountRequests(app, requests, host.mediator, { tokens, requestTimeout });

  const document = openApiDocument(requests, options.info);
  app.get('/openapi.json', async () => document);
  app.get('/docs', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header(
        'content-security-policy',
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'",
      )
      .send(docsPage),
  );
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    const reason = unreadiness(host);
    if (reason === undefined) return { status: 'ready' };
    request.log.warn({ reason }, 'not ready');
    return reply
      .status(503)
      .type(problemContentType)
      .send(transportProblem(503, reason, request.url, request.id));
  });

  for (const [url, set] of [...allowed]) {
    if (set.has('GET')) set.add('HEAD');
    const allow = methods.filter((method) => set.has(method)).join(', ');
    const others = methods.filter((method) => !set.has(method));
    if (others.length === 0) continue;
    app.route({
      method: others,
      url,
      handler: async (request, reply) =>
        reply
          .status(405)
          .header('allow', allow)
          .type(problemContentType)
          .send(
            transportProblem(405, `${request.method} is not allowed here; allowed: ${allow}`, request.url, request.id),
          ),
    });
  }
  return app;
}

/** A client-safe detail for a transport failure: Fastify's own wording, without echoing the body. */
function transportDetail(error: unknown, status: number): string {
  const code = (error as { code?: string }).code;
  if (status === 413) return 'The request body is too large';
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return 'Unsupported content type';
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return 'The JSON body is empty';
  if (error instanceof SyntaxError || code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return 'The request body is not valid JSON';
  const message = (error as Error).message ?? 'Bad request';
  return message.length > 200 ? `${message.slice(0, 200)}…` : message;
}
