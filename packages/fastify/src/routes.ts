import { Readable } from 'node:stream';
import {
  type Mediator,
  type MessageDescription,
  type Request,
  requestFromInput,
  type StreamRequest,
} from '@slicewise/mediator';
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import type { TokenStore } from './auth.js';
import { sendWhileBusy } from './busy-retry.js';
import { authenticateHook, type DispatchSettings, dispatchOptions } from './dispatch.js';
import type { ExposedRequest, HttpMeta } from './http-meta.js';
import { nextPageLink } from './paging.js';
import { HttpError, problemFor } from './problem.js';
import { guardedBody } from './request-body.js';
import { responseSerializer } from './serialization.js';

/** Options the generated routes share. */
export interface RouteOptions extends DispatchSettings {
  readonly tokens: TokenStore;
  /** An NDJSON body that sends nothing for this long fails the stream with 408. */
  readonly bodyIdleTimeout: number;
  /** The route's OpenAPI operation, as a route schema for `@fastify/swagger` (documentation only, never compiled). */
  readonly documentation?: (request: ExposedRequest) => Record<string, unknown>;
}

/** The route config that hands `@fastify/swagger` the operation documented from the declaration. */
function documented(exposed: ExposedRequest, options: RouteOptions): { config?: Record<string, unknown> } {
  if (!options.documentation) return {};
  const schema = options.documentation(exposed);
  return { config: { swaggerTransform: () => ({ schema }) } };
}

/** `/users/{id}` → `/users/:id`. */
export function toFastifyPath(path: string): string {
  return path.replace(/\{([^}/]+)\}/g, ':$1');
}

const ndjsonType = 'application/x-ndjson';

function mediaTypeOf(request: FastifyRequest): string | undefined {
  return request.headers['content-type']?.split(';', 1)[0]?.trim().toLowerCase();
}

/**
 * The raw input of a request: query, then the body's fields, then the path parameters (which win). An NDJSON
 * body is not read here: it is handed to the slice as the input field `body`, the request's byte stream.
 */
function rawInput(request: FastifyRequest, http: HttpMeta): Record<string, unknown> {
  const query = request.query as Record<string, unknown>;
  const params = request.params as Record<string, unknown>;
  const body = request.body;
  if (http.body === 'ndjson') {
    if (mediaTypeOf(request) !== ndjsonType) {
      throw new HttpError(415, `${http.method} ${http.path} takes an ${ndjsonType} body`);
    }
    return { ...query, ...params, body };
  }
  if (body === undefined) return { ...query, ...params };
  if (mediaTypeOf(request) !== 'application/json') {
    throw new HttpError(415, `${http.method} ${http.path} takes an application/json body`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The request body must be a JSON object');
  }
  return { ...query, ...body, ...params };
}

/** NDJSON lines of a stream's items; a failure after the first item becomes a last `{"error": problem}` line. */
async function* ndjsonLines(
  first: IteratorResult<unknown>,
  items: AsyncIterator<unknown>,
  request: FastifyRequest,
): AsyncGenerator<string> {
  let next = first;
  try {
    while (!next.done) {
      yield `${JSON.stringify(next.value)}\n`;
      next = await items.next();
    }
  } catch (error) {
    const problem = problemFor(error, request.url, request.id);
    if (problem.status >= 500) request.log.error({ err: error }, 'stream failed');
    else request.log.info({ code: problem.code }, 'stream ended with a problem');
    yield `${JSON.stringify({ error: problem })}\n`;
  } finally {
    if (!next.done) await items.return?.();
  }
}

/**
 * The route options that make Fastify serialize a request's success from its declared `output`: the response
 * schema for the success status, and fast-json-stringify's serializer of it (compiled once, by
 * {@link responseSerializer}, and handed to Fastify as the route's serializer compiler). None for a request that
 * declares no output, answers 204, or whose output cannot be compiled (logged once): it sends `JSON.stringify`.
 */
function serializationOptions(
  app: FastifyInstance,
  description: MessageDescription,
  status: number,
): Pick<RouteShorthandOptions, 'schema' | 'serializerCompiler'> {
  const serializer = status === 204 ? undefined : responseSerializer(description.declaration.output);
  if (serializer?.serialize === undefined) {
    if (serializer) app.log.warn({ request: description.name, reason: serializer.reason }, 'output not compiled');
    return {};
  }
  const { serialize } = serializer;
  return { schema: { response: { [status]: serializer.schema } }, serializerCompiler: () => serialize };
}

/**
 * Mounts every exposed request: parse (path, query, body) → send (or stream) through the mediator → serialize
 * (with the declared output's compiled serializer when there is one, which writes only the schema's properties).
 * Validation and authorization are the pipeline's; failures, a result the serializer rejects included, reach the
 * server's one error handler.
 */
export function mountRequests(
  app: FastifyInstance,
  requests: readonly ExposedRequest[],
  mediator: Mediator,
  options: RouteOptions,
): void {
  const onRequest = authenticateHook(options.tokens);
  for (const exposed of requests) {
    const { description, http, defaultLimit } = exposed;
    const paging = http.paging;
    const status = http.status ?? 200;
    const url = toFastifyPath(http.path);
    if (description.kind === 'stream') {
      app.route({
        method: http.method,
        url,
        onRequest,
        ...documented(exposed, options),
        handler: async (request, reply) => {
          const dispatch = dispatchOptions(request, reply, options);
          const input = rawInput(request, http);
          if (http.body === 'ndjson') {
            // The deadline runs from now, and reaches a slice waiting for body bytes that never come.
            input.body = Readable.from(
              guardedBody(input.body as Readable, options.bodyIdleTimeout, dispatch.signal(), request, reply),
              { objectMode: false },
            );
          }
          const message = requestFromInput(description.message, input) as StreamRequest<unknown>;
          const items = mediator.stream(message, dispatch)[Symbol.asyncIterator]();
          const first = await items.next();
          reply.code(status).type(`${ndjsonType}; charset=utf-8`);
          return reply.send(Readable.from(ndjsonLines(first, items, request)));
        },
      });
      continue;
    }
    app.route({
      method: http.method,
      url,
      onRequest,
      ...documented(exposed, options),
      ...serializationOptions(app, description, status),
      handler: async (request, reply) => {
        const message = requestFromInput(description.message, rawInput(request, http)) as Request<unknown>;
        const result = await sendWhileBusy(
          mediator,
          message,
          dispatchOptions(request, reply, options),
          reply,
          options.requestTimeout,
        );
        if (status === 204 || result === undefined) return reply.code(status === 200 ? 204 : status).send();
        if (status !== 200) reply.code(status);
        if (paging !== undefined && Array.isArray(result)) {
          const link = nextPageLink(request, result, paging.after, defaultLimit);
          if (link !== undefined) reply.header('link', link);
        }
        // A string or null goes out as JSON.stringify says, never through an output schema's serializer.
        if (typeof result === 'string' || result === null)
          return reply.type('application/json; charset=utf-8').send(JSON.stringify(result));
        return result;
      },
    });
  }
}
