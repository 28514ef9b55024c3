import type { DispatchContext, HandlerContext } from './context.js';
import type { ItemOf, MessageClass, Notification, Request, ResponseOf, StreamRequest } from './messages.js';

/**
 * Handles one request class and returns its response, synchronously or not. The validated input is
 * `context.input`.
 */
export interface RequestHandler<TRequest extends Request<unknown>> {
  handle(request: TRequest, context: HandlerContext<TRequest>): ResponseOf<TRequest> | Promise<ResponseOf<TRequest>>;
}

/** Handles one stream request class by yielding its items. The validated input is `context.input`. */
export interface StreamHandler<TRequest extends StreamRequest<unknown>> {
  handle(request: TRequest, context: HandlerContext<TRequest>): AsyncIterable<ItemOf<TRequest>>;
}

/**
 * Reacts to one notification class (and its subclasses). A notification may have any number of handlers. Any
 * thenable it returns is awaited (a lazy query builder, a promise of another realm).
 */
export interface NotificationHandler<TNotification extends Notification> {
  handle(notification: TNotification, context: DispatchContext): void | PromiseLike<void>;
}

/** A request or stream request being composed, as a {@link HandlerOverride} sees it. */
export interface HandlerRoute {
  readonly kind: 'request' | 'stream';
  readonly message: MessageClass;
  /** The slice that registered the handler, and the handler class's name. */
  readonly slice: string;
  readonly handler: string;
}

/**
 * Answers some requests with a handler of the host's instead of the slice's: called once per request and stream
 * request while composing; a handler returned replaces the slice's own, which is then never built. The pipeline
 * (host behaviors, authorization, validation, the slices' behaviors) still runs before it. `createHost` uses it to
 * run the requests declared `meta: { worker: true }` on its worker thread.
 */
export type HandlerOverride = (
  route: HandlerRoute,
) => RequestHandler<Request<unknown>> | StreamHandler<StreamRequest<unknown>> | undefined;

/** A class whose instances handle messages. typedi builds it (from decorator metadata or `static inject`). */
// biome-ignore lint/suspicious/noExplicitAny: constructor parameters are resolved by the container
export type HandlerClass<THandler> = new (...args: any[]) => THandler;

/** One message class paired with the handler class that answers it. */
export type HandlerRegistration =
  | {
      readonly kind: 'request';
      readonly message: MessageClass<Request<unknown>>;
      readonly handler: HandlerClass<RequestHandler<never>>;
    }
  | {
      readonly kind: 'stream';
      readonly message: MessageClass<StreamRequest<unknown>>;
      readonly handler: HandlerClass<StreamHandler<never>>;
    }
  | {
      readonly kind: 'notification';
      readonly message: MessageClass<Notification>;
      readonly handler: HandlerClass<NotificationHandler<never>>;
    };

/**
 * Pairs a request with its handler, checking at compile time that the handler accepts that request and
 * returns its response type.
 *
 * @example
 * handle(GetActiveUsers, GetActiveUsersHandler)
 */
export function handle<TRequest extends Request<unknown>>(
  request: MessageClass<TRequest>,
  handler: HandlerClass<RequestHandler<TRequest>>,
): HandlerRegistration {
  return { kind: 'request', message: request, handler } as HandlerRegistration;
}

/** Pairs a stream request with the handler that yields its items. */
export function handleStream<TRequest extends StreamRequest<unknown>>(
  request: MessageClass<TRequest>,
  handler: HandlerClass<StreamHandler<TRequest>>,
): HandlerRegistration {
  return { kind: 'stream', message: request, handler } as HandlerRegistration;
}

/** Subscribes a handler to a notification. */
export function on<TNotification extends Notification>(
  notification: MessageClass<TNotification>,
  handler: HandlerClass<NotificationHandler<TNotification>>,
): HandlerRegistration {
  return { kind: 'notification', message: notification, handler } as HandlerRegistration;
}
