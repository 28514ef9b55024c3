import type { Tracer } from '@opentelemetry/api';
import type { ContainerInstance } from 'typedi';
import type { Behavior } from './behavior.js';
import type { DispatchContext, DispatchOptions, ErrorHook } from './context.js';
import type { EventSink } from './event.js';
import type { HandlerOverride } from './handler.js';
import type { ItemOf, Notification, Request, ResponseOf, StreamRequest } from './messages.js';
import type { PublishOptions, PublishStrategy } from './publish.js';
import type { Slice } from './slice.js';

/** Sends requests to their one handler. Depend on this when a slice only sends. */
export interface Sender {
  send<TRequest extends Request<unknown>>(request: TRequest, options?: DispatchOptions): Promise<ResponseOf<TRequest>>;
  stream<TRequest extends StreamRequest<unknown>>(
    request: TRequest,
    options?: DispatchOptions,
  ): AsyncIterable<ItemOf<TRequest>>;
}

/** Publishes notifications to every handler of theirs. Depend on this when a slice only publishes. */
export interface Publisher {
  publish(notification: Notification, options?: DispatchOptions & PublishOptions): Promise<void>;
}

/** One dispatch as it starts, told to `onDispatch` listeners (nested dispatches included). */
export type DispatchEvent =
  | { readonly operation: 'send'; readonly message: Request<unknown>; readonly context: DispatchContext }
  | { readonly operation: 'stream'; readonly message: StreamRequest<unknown>; readonly context: DispatchContext }
  | { readonly operation: 'publish'; readonly message: Notification; readonly context: DispatchContext };

/** Options of {@link createMediator}. */
export interface MediatorOptions {
  /** The slices to compose, each listed once. */
  slices: readonly Slice[];
  /** Host behaviors, outermost first, around every matching request (see {@link Behavior}). */
  behaviors?: readonly Behavior[];
  /** The typedi container handlers are built from. Defaults to a fresh container of this mediator's own. */
  container?: ContainerInstance;
  /** How `publish` runs handlers unless a publish says otherwise. Default `sequential-all`. */
  publishStrategy?: PublishStrategy;
  /** Observes or replaces every failed dispatch (see {@link ErrorHook}). */
  onError?: ErrorHook;
  /**
   * The OpenTelemetry tracer for dispatch spans; `false` disables tracing. Default: the global tracer, when a
   * tracer provider is registered before the mediator is created (else no tracing, at no cost).
   */
  tracer?: Tracer | false;
  /**
   * Where durable events (notification classes with `static event = declareEvent(…)`) go when published: the
   * host's event log (`createHost` sets it). Without one, a durable event reaches only in-process `on()` handlers.
   */
  eventSink?: EventSink;
  /** Answers some requests with a handler of the host's (see {@link HandlerOverride}). */
  handlerOverride?: HandlerOverride;
}
