import type { Request, RequestClass, ResponseOf } from './messages.js';

/** What a handler receives besides the request. */
export interface DispatchContext {
  /** Aborted when the caller gives up; pass it on to anything slow. */
  readonly signal: AbortSignal;
}

/** Handles one request class and returns its response, synchronously or not. */
export interface RequestHandler<TRequest extends Request<unknown>> {
  handle(request: TRequest, context: DispatchContext): ResponseOf<TRequest> | Promise<ResponseOf<TRequest>>;
}

/** A handler class. typedi builds it (constructor dependencies from decorator metadata or `static inject`). */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are resolved by the container
export type HandlerClass<TRequest extends Request<unknown>> = new (...args: any[]) => RequestHandler<TRequest>;

/** One request class paired with the handler class that answers it. */
export interface HandlerRegistration<TRequest extends Request<unknown> = Request<unknown>> {
  readonly request: RequestClass<TRequest>;
  readonly handler: HandlerClass<TRequest>;
}

/**
 * Pairs a request with its handler, checking at compile time that the handler accepts that request and
 * returns its response type.
 *
 * @example
 * handle(GetActiveUsers, GetActiveUsersHandler)
 */
export function handle<TRequest extends Request<unknown>>(
  request: RequestClass<TRequest>,
  handler: HandlerClass<TRequest>,
): HandlerRegistration<TRequest> {
  return { request, handler };
}
