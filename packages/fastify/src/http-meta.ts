import { type Mediator, type MessageDescription, SlicewiseError } from '@slicewise/mediator';
import { standardJsonSchema } from './json-schema.js';

/** The HTTP methods a request can be mounted on. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * How `@slicewise/fastify` serves a request: its key of the declaration's `meta`.
 *
 * @example
 * meta: { http: { method: 'GET', path: '/users/{id}' } }
 */
export interface HttpMeta {
  readonly method: HttpMethod;
  /** The route, path parameters in braces (`/users/{id}`); each one must be a field of the input schema. */
  readonly path: string;
  /** The success status, 200 to 299. Default 200 (204 when the handler returns nothing). */
  readonly status?: number;
  /** `ndjson` (stream requests only): the request body is not parsed but handed to the request as `body`. */
  readonly body?: 'json' | 'ndjson';
  /**
   * Cursor paging of a list: a full page (as many items as the effective `limit`) carries
   * `Link: <…?after=<last item's field>&limit=<n>…>; rel="next"`. The input must have `after` and `limit` fields.
   */
  readonly paging?: { readonly after: string };
}

declare module '@slicewise/mediator' {
  interface RequestMeta {
    /** Read by `@slicewise/fastify`: how the request is served over HTTP. */
    readonly http?: HttpMeta;
  }
}

/** A request's `meta.http` is not one `@slicewise/fastify` can serve; the message names the request. */
export class HttpMetaError extends SlicewiseError {
  constructor(request: string, problem: string) {
    super('INTERNAL', `${request}: meta.http ${problem}`, { details: { request } });
  }
}

/** A request served over HTTP: its description, and its checked `meta.http`. */
export interface ExposedRequest {
  readonly description: MessageDescription;
  readonly http: HttpMeta;
  /** Names of the path parameters, in order. */
  readonly pathParameters: readonly string[];
  /** For `paging`: the page size when the query gives none (the input schema's default). */
  readonly defaultLimit?: number;
}

const methods: readonly string[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const knownKeys = new Set(['method', 'path', 'status', 'body', 'paging']);
const pathPattern = /^(\/([A-Za-z0-9._~-]+|\{[A-Za-z_][A-Za-z0-9_]*\}))+$|^\/$/;

/** `/users/{id}` → `['id']`. */
export function pathParametersOf(path: string): string[] {
  return [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => match[1] as string);
}

/** The input schema's fields and defaults, when its library can say its JSON Schema. */
function inputFields(description: MessageDescription): Record<string, { default?: unknown }> | undefined {
  const input = description.declaration.input;
  if (input === undefined) return {};
  const schema = standardJsonSchema(input, 'input', 'draft-2020-12');
  return schema === undefined ? undefined : ((schema.properties ?? {}) as Record<string, { default?: unknown }>);
}

/** Checks one request's `meta.http`; throws {@link HttpMetaError} naming the request and what is wrong. */
export function checkHttpMeta(description: MessageDescription): ExposedRequest {
  const { name, kind } = description;
  const http = description.declaration.meta?.http as HttpMeta | undefined;
  const fail = (problem: string): never => {
    throw new HttpMetaError(name, problem);
  };
  if (typeof http !== 'object' || http === null || Array.isArray(http)) {
    return fail('must be an object { method, path, status?, body?, paging? }');
  }
  const unknown = Object.keys(http).filter((key) => !knownKeys.has(key));
  if (unknown.length > 0) fail(`has unknown field(s) ${unknown.join(', ')} (allowed: ${[...knownKeys].join(', ')})`);
  if (!methods.includes(http.method)) {
    fail(`method must be one of ${methods.join(', ')}, got ${JSON.stringify(http.method)}`);
  }
  if (typeof http.path !== 'string' || !pathPattern.test(http.path)) {
    fail(`path must be like /users/{id} (segments of letters, digits, . _ ~ -), got ${JSON.stringify(http.path)}`);
  }
  if (
    http.status !== undefined &&
    (!Number.isInteger(http.status) || (http.status as number) < 200 || (http.status as number) > 299)
  ) {
    fail(`status must be a whole number from 200 to 299, got ${JSON.stringify(http.status)}`);
  }
  if (http.body !== undefined && http.body !== 'json' && http.body !== 'ndjson') {
    fail(`body must be 'json' or 'ndjson', got ${JSON.stringify(http.body)}`);
  }
  if (http.body === 'ndjson' && kind !== 'stream') fail(`body 'ndjson' needs a stream request; ${name} is a ${kind}`);
  if (http.body !== undefined && !['POST', 'PUT', 'PATCH'].includes(http.method)) {
    fail(`body '${http.body}' needs POST, PUT or PATCH, not ${http.method}`);
  }
  const pathParameters = pathParametersOf(http.path);
  const duplicate = pathParameters.find((parameter, index) => pathParameters.indexOf(parameter) !== index);
  if (duplicate) fail(`path names {${duplicate}} twice`);
  const fields = inputFields(description);
  if (pathParameters.length > 0 && description.declaration.input === undefined) {
    fail(`path has {${pathParameters.join('}, {')}} but the request declares no input schema`);
  }
  const missing = fields ? pathParameters.filter((parameter) => !(parameter in fields)) : [];
  if (missing.length > 0) fail(`path parameter(s) {${missing.join('}, {')}} are not fields of the input schema`);
  let defaultLimit: number | undefined;
  if (http.paging !== undefined) {
    const after = (http.paging as { after?: unknown })?.after;
    if (typeof after !== 'string' || after === '') fail(`paging must be { after: '<item field>' }`);
    if (kind !== 'query') fail(`paging needs a query; ${name} is a ${kind}`);
    if (fields && !('after' in fields && 'limit' in fields)) {
      fail('paging needs `after` and `limit` fields in the input schema');
    }
    const fallback = fields?.limit?.default;
    defaultLimit = typeof fallback === 'number' && fallback > 0 ? fallback : undefined;
  }
  return defaultLimit === undefined
    ? { description, http, pathParameters }
    : { description, http, pathParameters, defaultLimit };
}

/**
 * The requests of a composition that declare `meta.http`, in the order the mediator lists them, each one checked.
 * Throws {@link HttpMetaError} for the first invalid one, or when two requests share a method and path.
 */
export function exposedRequests(mediator: Mediator): ExposedRequest[] {
  const exposed = mediator
    .describe()
    .filter((description) => description.kind !== 'notification' && description.declaration.meta?.http !== undefined)
    .map(checkHttpMeta);
  const routes = new Map<string, string>();
  for (const { description, http } of exposed) {
    const route = `${http.method} ${http.path.replace(/\{[^}]+\}/g, '{}')}`;
    const other = routes.get(route);
    if (other) throw new HttpMetaError(description.name, `${http.method} ${http.path} is already ${other}'s route`);
    routes.set(route, description.name);
  }
  return exposed;
}
