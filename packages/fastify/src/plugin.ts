import swagger from '@fastify/swagger';
import type { Host } from '@slicewise/host';
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { TokenStore } from './auth.js';
import { mountDocsPage } from './docs-page.js';
import { mountHealth } from './health.js';
import { exposedRequests } from './http-meta.js';
import { operationSchema, problemSchema, withProblems } from './openapi.js';
import { HttpError, problemContentType, problemFor, transportProblem } from './problem.js';
import { bodyIdleGuard } from './request-body.js';
import { mountRequests } from './routes.js';

/** The OpenAPI document's `info` and `servers`. */
export interface OpenApiOptions {
  /** Default `Slicewise API`. */
  title?: string;
  /** The API's real version (pass your package.json's). Default `0.0.0`. */
  version?: string;
  description?: string;
  /** The API's license, e.g. `{ name: 'MIT', identifier: 'MIT' }`. */
  license?: { name: string; identifier?: string; url?: string };
  /** Default `[{ url: '/' }]`: the server that serves the document. */
  servers?: { url: string; description?: string }[];
}

/** Options of the {@link slicewise} plugin. */
export interface SlicewiseOptions {
  /** The composed host the routes send through. */
  host: Host;
  /** Accepted bearer tokens. Default: none, so only requests declaring no permissions succeed. */
  auth?: TokenStore;
  /** Deadline of one dispatch in milliseconds (504 `TIMEOUT` past it). Default 10 000. */
  requestTimeout?: number;
  /** A request body that sends nothing for this long fails with 408. Default 5 000. */
  bodyIdleTimeout?: number;
  /** The OpenAPI 3.1 document at `/openapi.json` (and the docs page at `/docs`), or `false` for neither. */
  openapi?: OpenApiOptions | false;
  /** `/healthz` and `/readyz`. Default true. */
  health?: boolean;
}

/** What {@link drain} and the plugin share about one app. */
interface Lifecycle {
  closing: boolean;
  /** Resolves once no admitted request is in flight (the hardened server's connection guard says). */
  idle?: () => Promise<void>;
}
const lifecycles = new WeakMap<FastifyInstance, Lifecycle>();

/** @internal The hardened server hands its connection guard's `idle` to {@link drain}. */
export function watchInFlight(app: FastifyInstance, idle: () => Promise<void>): void {
  const lifecycle = lifecycles.get(app) ?? { closing: false };
  lifecycle.idle = idle;
  lifecycles.set(app, lifecycle);
}

/**
 * Starts draining an app that registered {@link slicewise}: from now on every request is answered 503 problem
 * with `Connection: close` (and `/readyz` is not ready) while the requests already admitted finish; resolves when
 * none is left in flight (known on a server made by `buildServer`; otherwise at once). The server keeps
 * listening: close it afterwards. Closing the app drains it too.
 */
export function drain(app: FastifyInstance): Promise<void> {
  const lifecycle = lifecycles.get(app);
  if (!lifecycle) throw new TypeError('drain() takes a Fastify app that registered the slicewise plugin');
  if (!lifecycle.closing) {
    lifecycle.closing = true;
    // A connection that goes idle after its answer is closed at once instead of lingering for the keep-alive
    // timeout; the ones idle now are closed at once.
    app.server.keepAliveTimeout = 1;
    app.server.closeIdleConnections();
  }
  return lifecycle.idle?.() ?? Promise.resolve();
}

/** Whether the rest of a request's body is still unread (then its connection cannot serve another request). */
function bodyUnread(request: FastifyRequest): boolean {
  const { headers } = request;
  const hasBody = headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;
  return hasBody && !request.raw.complete;
}

/** Sends a problem; a connection whose request body was not read to the end is closed after it. */
export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ReturnType<typeof problemFor>) {
  if (bodyUnread(request)) reply.header('connection', 'close');
  return reply.status(problem.status).type(problemContentType).send(problem);
}

const methods = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Answers every other method of each route mounted until the returned function is called with 405 and `Allow`. */
function collectMethods(app: FastifyInstance): () => void {
  const allowed = new Map<string, Set<string>>();
  let collecting = true;
  app.addHook('onRoute', (route) => {
    if (!collecting) return;
    const list = Array.isArray(route.method) ? route.method : [route.method];
    const set = allowed.get(route.url) ?? new Set<string>();
    for (const method of list) set.add(method);
    allowed.set(route.url, set);
  });
  return () => {
    collecting = false;
    for (const [url, set] of [...allowed]) {
      if (set.has('GET')) set.add('HEAD');
      const allow = methods.filter((method) => set.has(method)).join(', ');
      const others = methods.filter((method) => !set.has(method));
      if (others.length === 0) continue;
      app.route({
        method: others,
        url,
        schema: { hide: true },
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
  };
}

const slicewisePlugin: FastifyPluginAsync<SlicewiseOptions> = async (app, options) => {
  const { host, auth = new TokenStore(), requestTimeout = 10_000, bodyIdleTimeout = 5_000 } = options;
  const requests = exposedRequests(host.mediator); // checks every meta.http first: a bad one fails registration
  const lifecycle = lifecycles.get(app) ?? { closing: false };
  lifecycles.set(app, lifecycle);

  // An NDJSON body is not buffered: the slice reads the request's bytes as its input field `body`.
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => done(null, payload));
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    if (lifecycle.closing) {
      reply.header('connection', 'close');
      return sendProblem(request, reply, transportProblem(503, 'The server is shutting down', request.url, request.id));
    }
    if (request.headers.host === undefined && request.raw.httpVersion === '1.1') {
      reply.header('connection', 'close');
      return sendProblem(request, reply, transportProblem(400, 'The Host header is required', request.url, request.id));
    }
    done();
  });
  app.addHook('preParsing', bodyIdleGuard(bodyIdleTimeout));
  app.addHook('preClose', async () => {
    void drain(app);
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
  const mountNotAllowed = collectMethods(app);

  const openapi = options.openapi ?? {};
  if (openapi !== false) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: openapi.title ?? 'Slicewise API',
          version: openapi.version ?? '0.0.0',
          description:
            openapi.description ??
            'Generated from the declarations of the composed slices. Errors are RFC 9457 problem documents.',
          ...(openapi.license ? { license: openapi.license } : {}),
        },
        servers: openapi.servers ?? [{ url: '/' }],
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
          schemas: { Problem: problemSchema },
        },
      },
      hideUntagged: false,
      transformObject: withProblems as never,
    });
  }
  mountRequests(app, requests, host.mediator, {
    tokens: auth,
    requestTimeout,
    bodyIdleTimeout,
    ...(openapi === false ? {} : { documentation: operationSchema }),
  });
  if (openapi !== false) app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  if (options.health !== false) mountHealth(app, host);
  mountNotAllowed(); // the docs page's routes (below) answer other methods with 404
  if (openapi !== false) await mountDocsPage(app);
};

/**
 * The Fastify plugin that serves a composed host's requests: one route per request declaring `meta.http`
 * (parse → send → serialize), errors of every kind as RFC 9457 problems, bearer authentication before the body is
 * read, request ids, NDJSON streams, `Link` headers on paged lists, `/openapi.json` (OpenAPI 3.1 through
 * `@fastify/swagger`), `/docs` (Swagger UI, served locally), `/healthz` and `/readyz`. Every request's `meta.http`
 * is checked at registration: a bad one fails `app.ready()` with an {@link HttpMetaError} naming the request.
 *
 * @example
 * const app = Fastify();
 * await app.register(slicewise, { host, auth: new TokenStore(grants), openapi: { version: '1.2.0' } });
 */
export const slicewise = fp(slicewisePlugin, { fastify: '5.x', name: '@slicewise/fastify' });
