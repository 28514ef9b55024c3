import type { Host } from '@slicewise/host';
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import type { TokenStore } from './auth.js';
import { defaultLimits, type HttpLimits } from './limits.js';
import { type OpenApiOptions, slicewise, watchInFlight } from './plugin.js';
import { requestIds } from './request-id.js';
import { limitedServer, problemOptions } from './transport-limits.js';

/** Options of {@link buildServer}. */
export interface ServerOptions {
  /** The composed host the routes send through. */
  host: Host;
  /** Accepted bearer tokens. Default: none, so only requests without permissions succeed. */
  auth?: TokenStore;
  /** Fastify's logger (pino): `false` (default, for tests) or pino options, e.g. `{ level: 'info' }`. */
  logger?: FastifyServerOptions['logger'];
  /** Deadline of one dispatch in milliseconds. Default 10 000. */
  requestTimeout?: number;
  /** Largest JSON body in bytes. Default 1 MiB. */
  bodyLimit?: number;
  /** The OpenAPI document's title, version and servers, or `false` for no document and no docs page. */
  openapi?: OpenApiOptions | false;
  /** Connection and request limits; each one left out has its default ({@link defaultLimits}). */
  limits?: Partial<HttpLimits>;
}

/**
 * Fastify's options for a server that holds up on the open internet: the Node server enforcing {@link HttpLimits}
 * (timeouts, connections, pipelining, back-pressure), Node's and Fastify's own failures answered as problems,
 * request ids kept from a well-formed `x-request-id` (else generated) and logged as `requestId`. `onGuard`
 * receives the connection guard counting requests in flight.
 */
export function hardenedOptions(
  limits: HttpLimits,
  onGuard: (idle: () => Promise<void>) => void,
): FastifyServerOptions & { serverFactory: NonNullable<unknown> } {
  return {
    forceCloseConnections: 'idle',
    // Requests arriving while closing get the plugin's 503 problem, not Fastify's plain JSON.
    return503OnClosing: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    ...problemOptions,
    serverFactory: (handler) => {
      const made = limitedServer(limits, handler);
      onGuard(() => made.guard.idle());
      return made.server;
    },
    genReqId: requestIds(),
  };
}

/**
 * A hardened Fastify app serving a composed host: {@link hardenedOptions} plus the `slicewise` plugin. Listen on
 * it, `drain(app)` then close it to shut down.
 *
 * @example
 * const app = buildServer({ host, auth: new TokenStore(grants), openapi: { version } });
 * await app.listen({ host: '127.0.0.1', port: 3000 });
 */
export function buildServer(options: ServerOptions): FastifyInstance {
  const { host, requestTimeout = 10_000, bodyLimit = 1_048_576 } = options;
  const limits: HttpLimits = { ...defaultLimits, ...options.limits };
  let idle: (() => Promise<void>) | undefined;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    ...hardenedOptions(limits, (watch) => {
      idle = watch;
    }),
  });
  if (idle) watchInFlight(app, idle);
  app.register(slicewise, {
    host,
    ...(options.auth ? { auth: options.auth } : {}),
    requestTimeout,
    bodyIdleTimeout: limits.bodyIdleTimeout,
    ...(options.openapi === undefined ? {} : { openapi: options.openapi }),
  });
  return app;
}
