import { randomUUID } from 'node:crypto';
import { appliedMigrations } from '@slicewise/db';
import type { Host } from '@slicewise/host';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
  LogController,
} from 'fastify';
import { TokenStore } from './auth.js';
import { defaultLimits, type HttpLimits } from './config.js';
import type { ConnectionGuard } from './connection-guard.js';
import { docsPage } from './docs-page.js';
import { type OpenApiInfo, openApiDocument } from './openapi.js';
import { HttpError, problemContentType, problemFor, transportProblem } from './problem.js';
import { bodyIdleGuard } from './request-body.js';
import { exposedRequests, mountRequests } from './routes.js';
import { limitedServer, problemOptions } from './transport-limits.js';

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
  /** Connection and request limits; each one left out has its default ({@link defaultLimits}). */
  limits?: Partial<HttpLimits>;
}

const drains = new WeakMap<FastifyInstance, () => Promise<void>>();

/**
 * Starts draining a server built by {@link buildServer}: from now on every request is answered 503 problem with
 * `Connection: close` (and `/readyz` is not ready) while the requests already admitted finish; resolves when none
 * is left in flight. The server keeps listening: close it afterwards.
 */
export function drain(app: FastifyInstance): Promise<void> {
  const start = drains.get(app);
  if (!start) throw new TypeError('drain() takes a server made by buildServer()');
  return start();
}

/** Whether the rest of a request's body is still unread (then its connection cannot serve another request). */
function bodyUnread(request: FastifyRequest): boolean {
  const { headers } = request;
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  return hasBody && !request.raw.complete;
}

/** Sends a problem; a connection whose request body was not read to the end is closed after it. */
function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ReturnType<typeof problemFor>) {
  if (bodyUnread(request)) reply.header('connection', 'close');
  return reply.status(problem.status).type(problemContentType).send(problem);
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
  const limits: HttpLimits = { ...defaultLimits, ...options.limits };
  let guard: ConnectionGuard | undefined;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    forceCloseConnections: 'idle',
    // Requests arriving while closing get our own 503 problem (below), not Fastify's plain JSON.
    return503OnClosing: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    ...problemOptions,
    serverFactory: (handler) => {
      const made = limitedServer(limits, handler);
      guard = made.guard;
      return made.server;
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
    if (closing) {
      reply.header('connection', 'close');
      return sendProblem(request, reply, transportProblem(503, 'The server is shutting down', request.url, request.id));
    }
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      reply.header('connection', 'close');
      return sendProblem(request, reply, transportProblem(400, 'The Host header is required', request.url, request.id));
    }
    done();
  });
  app.addHook('preParsing', bodyIdleGuard(limits.bodyIdleTimeout));
  const startDrain = () => {
    if (!closing) {
      closing = true;
      // A connection that goes idle after its answer is closed at once instead of lingering for the keep-alive
      // timeout; the ones idle now are closed at once.
      app.server.keepAliveTimeout = 1;
      app.server.closeIdleConnections();
    }
    return guard?.idle() ?? Promise.resolve();
  };
  drains.set(app, startDrain);
  app.addHook('preClose', async () => {
    startDrain();
  });

  app.setErrorHandler((error, request, reply) => {
    const problem = problemFor(error, request.url, request.id);
    if (problem.status >= 500 && !(error instanceof HttpError)) request.log.error({ err: error }, 'request failed');
    if (problem.status === 401) {
      const invalid = request.headers.authorization ? ', error="invalid_token"' : '';
      reply.header('www-authenticate', `Bearer realm="slicewise"${invalid}`);
    }
    if (error instanceof HttpError && error.retryAfter !== undefined) reply.header('retry-after', error.retryAfter);
    sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0];
    sendProblem(
      request,
      reply,
      transportProblem(404, `No route for ${request.method} ${path}`, request.url, request.id),
    );
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
  mountRequests(app, requests, host.mediator, { tokens, requestTimeout, bodyIdleTimeout: limits.bodyIdleTimeout });

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
    if (reason === undefined) {
      // The event log's subscriptions: a backlog is reported, never a reason to be unready (they catch up).
      const subscriptions = host.events
        .status()
        .map(({ name, position, lag, parked }) => ({ name, position, lag, parked }));
      return { status: 'ready', events: { position: host.events.position, subscriptions } };
    }
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
      handler: async (request, reply) => {
        const detail = `${request.method} is not allowed here; allowed: ${allow}`;
        return sendProblem(
          request,
          reply.header('allow', allow),
          transportProblem(405, detail, request.url, request.id),
        );
      },
    });
  }
  return app;
}
